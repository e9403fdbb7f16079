namespace ClusterDashboard.Configuration;

/// <summary>The "ZooKeeper:Tls" configuration section: TLS to the ensemble's secureClientPort. Files are PEM
/// ("-----BEGIN ...") or PKCS12 (what keytool makes for the servers); the passwords are secrets, never logged.</summary>
public sealed class ZooKeeperTlsSettings
{
    /// <summary>Connect over TLS. ZooKeeper:ConnectString must then name the servers' secureClientPort.</summary>
    public bool Enabled { get; set; }

    /// <summary>The CA certificate(s) the servers' certificates must chain to; only these are trusted. Unset, the
    /// system's trust store is used.</summary>
    public string? CaFile { get; set; }

    /// <summary>The password of <see cref="CaFile"/> when it is PKCS12.</summary>
    public string? CaPassword { get; set; }

    /// <summary>This node's certificate, for servers with ssl.clientAuth=need or want: a PKCS12 file holding the key,
    /// or a PEM file (holding the key too, or with <see cref="ClientKeyFile"/>).</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The PEM private key of a PEM <see cref="ClientCertificateFile"/> that does not hold it.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>The password of a PKCS12 <see cref="ClientCertificateFile"/>, or of an encrypted PEM key.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>The name the servers' certificates must carry, when it is not the host of the connect string.</summary>
    public string? ServerName { get; set; }

    public override string ToString() =>
        $"Enabled={Enabled}, CaFile={CaFile ?? "(system store)"}, ClientCertificateFile={ClientCertificateFile ?? "(none)"}, ServerName={ServerName ?? "(host)"}";
}
