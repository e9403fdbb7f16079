using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Configuration;

/// <summary>Turns <see cref="ZooKeeperTlsSettings"/> into the client's <see cref="ZooKeeperTlsOptions"/>, reading the
/// certificate files once. Every failure is an <see cref="InvalidOperationException"/> naming the setting, never what
/// a password holds.</summary>
internal static class ZooKeeperTlsLoader
{
    private const string Prefix = "ZooKeeper:Tls:";

    public static ZooKeeperTlsOptions? Load(ZooKeeperTlsSettings settings)
    {
        if (!settings.Enabled)
        {
            return null;
        }

        return new ZooKeeperTlsOptions
        {
            TrustedAuthorities = settings.CaFile is { Length: > 0 } ca ? Authorities(ca, settings.CaPassword) : [],
            ClientCertificate = settings.ClientCertificateFile is { Length: > 0 } certificate
                ? ClientCertificate(certificate, settings.ClientKeyFile, settings.ClientCertificatePassword)
                : null,
            ServerName = string.IsNullOrWhiteSpace(settings.ServerName) ? null : settings.ServerName,
        };
    }

    /// <summary>What is wrong with the settings, one sentence per problem; empty when they load.</summary>
    public static IReadOnlyList<string> Problems(ZooKeeperTlsSettings settings)
    {
        if (!settings.Enabled)
        {
            return [.. Unused(settings)];
        }

        try
        {
            Load(settings);
            return [];
        }
        catch (InvalidOperationException e)
        {
            return [e.Message];
        }
    }

    // Settings given without Enabled would look like TLS is on while every byte goes in the clear.
    private static IEnumerable<string> Unused(ZooKeeperTlsSettings settings)
    {
        if (!string.IsNullOrEmpty(settings.CaFile) || !string.IsNullOrEmpty(settings.ClientCertificateFile) || !string.IsNullOrEmpty(settings.ClientKeyFile))
        {
            yield return $"{Prefix}CaFile or ClientCertificateFile is set but {Prefix}Enabled is not true: the connection would not use TLS. Set {Prefix}Enabled=true, or remove them.";
        }
    }

    private static X509Certificate2Collection Authorities(string path, string? password)
    {
        var setting = Prefix + "CaFile";
        var bytes = Read(path, setting);
        var authorities = new X509Certificate2Collection();
        try
        {
            if (IsPem(bytes))
            {
                authorities.ImportFromPemFile(path);
            }
            else
            {
                authorities.AddRange(X509CertificateLoader.LoadPkcs12Collection(bytes, password));
            }
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{setting} ({path}) is neither PEM certificates nor a PKCS12 file {Prefix}CaPassword opens: {e.Message}", e);
        }

        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"{setting} ({path}) holds no certificate.");
        }

        return authorities;
    }

    private static X509Certificate2 ClientCertificate(string path, string? keyPath, string? password)
    {
        var setting = Prefix + "ClientCertificateFile";
        var bytes = Read(path, setting);
        X509Certificate2 certificate;
        try
        {
            if (IsPem(bytes))
            {
                var key = keyPath is { Length: > 0 } ? keyPath : path;
                Read(key, Prefix + "ClientKeyFile");
                certificate = password is { Length: > 0 }
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, password, key)
                    : X509Certificate2.CreateFromPemFile(path, key);
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12(bytes, password);
            }
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"{setting} ({path}) could not be read with its key ({Prefix}ClientKeyFile, {Prefix}ClientCertificatePassword): {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{setting} ({path}) has no private key: give it in the file or in {Prefix}ClientKeyFile.");
        }

        return certificate;
    }

    private static byte[] Read(string path, string setting)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{setting} ({path}) cannot be read: {e.Message}", e);
        }
    }

    private static bool IsPem(byte[] bytes) => System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("-----BEGIN", StringComparison.Ordinal);
}
