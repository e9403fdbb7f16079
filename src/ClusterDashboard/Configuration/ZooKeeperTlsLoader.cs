using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Configuration;

/// <summary>Turns <see cref="ZooKeeperTlsSettings"/> into the client's <see cref="ZooKeeperTlsOptions"/>, reading the
/// certificate files (the start-up check reads them too, and drops what it read). Every failure is an
/// <see cref="InvalidOperationException"/> naming the setting, never what a password holds.</summary>
internal static class ZooKeeperTlsLoader
{
    private const string Prefix = "ZooKeeper:Tls:";

    public static ZooKeeperTlsOptions? Load(ZooKeeperTlsSettings settings)
    {
        if (!settings.Enabled)
        {
            return null;
        }

        // A setting that would be dropped is refused: each of these means the operator expects something (a trust
        // store, a client certificate) that would silently not happen.
        Orphan(settings.CaPassword, settings.CaFile, "CaPassword", "CaFile");
        Orphan(settings.ClientKeyFile, settings.ClientCertificateFile, "ClientKeyFile", "ClientCertificateFile");
        Orphan(settings.ClientCertificatePassword, settings.ClientCertificateFile, "ClientCertificatePassword", "ClientCertificateFile");
        var (certificate, chain) = settings.ClientCertificateFile is { Length: > 0 } file
            ? ClientCertificate(file, settings.ClientKeyFile, settings.ClientCertificatePassword)
            : (null, []);
        return new ZooKeeperTlsOptions
        {
            TrustedAuthorities = settings.CaFile is { Length: > 0 } ca ? Authorities(ca, settings.CaPassword) : [],
            ClientCertificate = certificate,
            ClientCertificateChain = chain,
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
            if (Load(settings) is { } loaded)
            {
                loaded.ClientCertificate?.Dispose();
                foreach (var link in loaded.ClientCertificateChain)
                {
                    link.Dispose();
                }

                foreach (var authority in loaded.TrustedAuthorities)
                {
                    authority.Dispose();
                }
            }

            return [];
        }
        catch (InvalidOperationException e)
        {
            return [e.Message];
        }
    }

    // Any TLS setting without Enabled would look like TLS is on while every byte, the digest credentials among them,
    // goes in the clear.
    private static IEnumerable<string> Unused(ZooKeeperTlsSettings settings)
    {
        var given = new[]
        {
            ("CaFile", settings.CaFile), ("CaPassword", settings.CaPassword), ("ClientCertificateFile", settings.ClientCertificateFile),
            ("ClientKeyFile", settings.ClientKeyFile), ("ClientCertificatePassword", settings.ClientCertificatePassword), ("ServerName", settings.ServerName),
        }.Where(s => !string.IsNullOrEmpty(s.Item2)).Select(s => Prefix + s.Item1).ToList();
        if (given.Count > 0)
        {
            yield return $"{string.Join(", ", given)} {(given.Count == 1 ? "is" : "are")} set but {Prefix}Enabled is not true: the connection would not use TLS. Set {Prefix}Enabled=true, or remove them.";
        }
    }

    private static void Orphan(string? value, string? needs, string name, string needsName)
    {
        if (!string.IsNullOrEmpty(value) && string.IsNullOrEmpty(needs))
        {
            throw new InvalidOperationException($"{Prefix}{name} is set without {Prefix}{needsName}, so it would not be used: set {Prefix}{needsName}, or remove it.");
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
                if (!string.IsNullOrEmpty(password))
                {
                    throw new InvalidOperationException($"{Prefix}CaPassword is set but {setting} ({path}) is PEM, which has none: remove it, or give the PKCS12 trust store it belongs to.");
                }

                authorities.ImportFromPem(Encoding.UTF8.GetString(bytes)); // the bytes checked above, not the file again
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

    // The certificate with its key, and the other certificates of the same file: the CAs between it and the root,
    // which are sent with it (a keytool store holds the chain; a PEM file may list it after the certificate).
    private static (X509Certificate2 Certificate, X509Certificate2Collection Chain) ClientCertificate(string path, string? keyPath, string? password)
    {
        var setting = Prefix + "ClientCertificateFile";
        var bytes = Read(path, setting);
        X509Certificate2 certificate;
        var all = new X509Certificate2Collection();
        try
        {
            if (IsPem(bytes))
            {
                // Each file read once: what was checked is what is used, even if the file is replaced meanwhile.
                var pem = Encoding.UTF8.GetString(bytes);
                var key = keyPath is { Length: > 0 } ? Encoding.UTF8.GetString(Read(keyPath, Prefix + "ClientKeyFile")) : pem;
                certificate = password is { Length: > 0 }
                    ? X509Certificate2.CreateFromEncryptedPem(pem, key, password)
                    : X509Certificate2.CreateFromPem(pem, key);
                all.ImportFromPem(pem);
            }
            else
            {
                if (!string.IsNullOrEmpty(keyPath))
                {
                    throw new InvalidOperationException($"{Prefix}ClientKeyFile is set but {setting} ({path}) is PKCS12, which holds its own key: remove it, or give the PEM certificate it belongs to.");
                }

                all = X509CertificateLoader.LoadPkcs12Collection(bytes, password);
                certificate = all.FirstOrDefault(c => c.HasPrivateKey) ?? (all.Count > 0 ? all[0] : throw new InvalidOperationException($"{setting} ({path}) holds no certificate."));
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

        // Each other certificate once; a second copy of one kept (the PEM's own certificate, read again with the rest)
        // is released here rather than left to the finalizer.
        var chain = new X509Certificate2Collection();
        foreach (var other in all)
        {
            if (ReferenceEquals(other, certificate))
            {
                continue;
            }

            if (other.Thumbprint != certificate.Thumbprint && chain.All(c => c.Thumbprint != other.Thumbprint))
            {
                chain.Add(other);
            }
            else
            {
                other.Dispose();
            }
        }

        return (certificate, chain);
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
