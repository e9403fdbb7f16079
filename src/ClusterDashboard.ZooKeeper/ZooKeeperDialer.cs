using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace ClusterDashboard.ZooKeeper;

/// <summary>Opens the byte stream a session's connection runs on, to one server of the connect string. Disposing the
/// stream must end the connection and fail its pending reads and writes.</summary>
public delegate ValueTask<Stream> ZooKeeperDialer(DnsEndPoint server, CancellationToken cancellationToken);

/// <summary>The dialers the client comes with.</summary>
public static class ZooKeeperDialers
{
    /// <summary>Plain TCP, with Nagle off: requests and pings are small and must not wait for each other.</summary>
    public static ZooKeeperDialer Tcp { get; } = async (server, cancellationToken) =>
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };

    /// <summary>TLS over another dialer (plain TCP unless given): the server's certificate must chain to
    /// <see cref="ZooKeeperTlsOptions.TrustedAuthorities"/> (or the system's store) and name the server. The handshake
    /// runs under the dial's own deadline, so a server that never answers it costs one connect attempt, not the
    /// session.</summary>
    public static ZooKeeperDialer Tls(ZooKeeperTlsOptions options, ZooKeeperDialer? inner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var under = inner ?? Tcp;
        // Built once: the certificate with the chain it is sent with, whatever CAs the server says it accepts.
        var identity = options.ClientCertificate is { } certificate
            ? SslStreamCertificateContext.Create(certificate, options.ClientCertificateChain, offline: true)
            : null;
        return async (server, cancellationToken) =>
        {
            var stream = await under(server, cancellationToken).ConfigureAwait(false);
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(ClientAuthentication(options, identity, server.Host), cancellationToken).ConfigureAwait(false);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        };
    }

    private static SslClientAuthenticationOptions ClientAuthentication(ZooKeeperTlsOptions options, SslStreamCertificateContext? identity, string host)
    {
        var chain = new X509ChainPolicy { RevocationMode = options.RevocationMode };
        if (options.TrustedAuthorities.Count > 0)
        {
            chain.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.CustomTrustStore.AddRange(options.TrustedAuthorities);
        }

        return new SslClientAuthenticationOptions
        {
            TargetHost = options.ServerName ?? host,
            EnabledSslProtocols = options.Protocols,
            CertificateChainPolicy = chain,
            ClientCertificateContext = identity,
            CertificateRevocationCheckMode = options.RevocationMode,
        };
    }
}
