using System.Net;
using ClusterDashboard.ZooKeeper;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Configuration;

/// <summary>
/// In a container, 127.0.0.1 is the container itself: a node left with the loopback defaults would look for ZooKeeper
/// inside its own container and tell other nodes to find it at an address that is theirs. Such a node refuses to
/// start, naming the setting, unless <see cref="ClusterOptions.AllowLoopback"/>.
/// </summary>
internal sealed class ContainerLoopbackValidator(IOptions<ZooKeeperOptions> zookeeper) : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        var inContainer = options.InContainer ?? string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);
        if (!inContainer || options.AllowLoopback)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (TryLoopbackServer(zookeeper.Value.ConnectString) is { } server)
        {
            errors.Add($"ZooKeeper:ConnectString names {server}, which inside a container is the container itself: point it at the ensemble (e.g. zk1:2181,zk2:2181,zk3:2181/clusterdashboard), or set Cluster:AllowLoopback=true if that is meant.");
        }

        if (Uri.TryCreate(options.AdvertisedUrl, UriKind.Absolute, out var url) && IsLoopback(url.Host))
        {
            errors.Add($"Cluster:AdvertisedUrl is {options.AdvertisedUrl}, which other nodes and browsers cannot reach in this container: set it to this node's address as they see it (its host name, or the pod IP), or set Cluster:AllowLoopback=true if that is meant.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string? TryLoopbackServer(string connectString)
    {
        try
        {
            return ConnectString.Parse(connectString).Servers.Where(s => IsLoopback(s.Host)).Select(s => $"{s.Host}:{s.Port}").FirstOrDefault();
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return null; // ZooKeeperOptionsValidator says what is wrong with it
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
