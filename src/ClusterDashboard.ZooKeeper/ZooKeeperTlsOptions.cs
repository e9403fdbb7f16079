using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ClusterDashboard.ZooKeeper;

/// <summary>How the client speaks TLS to a server's secureClientPort (<see cref="ZooKeeperDialers.Tls"/>). Inside the
/// TLS stream the protocol is byte for byte the plain one, so sessions, reconnects and watches behave the same.</summary>
public sealed class ZooKeeperTlsOptions
{
    /// <summary>The certificate authorities a server's certificate must chain to; none trusts the system's store.
    /// With some, only these are trusted (a private ensemble's CA is not in anyone's system store, and the system's
    /// CAs have no business vouching for it).</summary>
    public X509Certificate2Collection TrustedAuthorities { get; init; } = [];

    /// <summary>Presented when the server asks for one (ssl.clientAuth=need or want); it must hold its private key.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The intermediate CAs between <see cref="ClientCertificate"/> and the root the servers trust, sent with
    /// it: a server that knows only the root refuses a certificate that arrives without them.</summary>
    public X509Certificate2Collection ClientCertificateChain { get; init; } = [];

    /// <summary>The name the server's certificate must carry; by default the host of the connect string entry being
    /// dialled (an IP address there is matched against the certificate's IP SANs).</summary>
    public string? ServerName { get; init; }

    /// <summary>Whether to ask the CA whether a certificate was revoked. Off by default, as in the Java client
    /// (zookeeper.ssl.crl and ocsp default to false): private CAs rarely publish revocation lists, and a revocation
    /// server out of reach would fail every connection.</summary>
    public X509RevocationMode RevocationMode { get; init; } = X509RevocationMode.NoCheck;

    /// <summary>The protocol versions allowed; by default the operating system's choice (TLS 1.2 and 1.3).</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.None;
}
