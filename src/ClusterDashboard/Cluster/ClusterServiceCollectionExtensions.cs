using System.Reflection;
using ClusterDashboard.Configuration;
using ClusterDashboard.Coordination;
using Microsoft.Extensions.Options;

namespace ClusterDashboard.Cluster;

public static class ClusterServiceCollectionExtensions
{
    /// <summary>Validated options, this node's <see cref="ClusterNode"/> run as a hosted service, and the event feed.</summary>
    public static WebApplicationBuilder AddClusterNode(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ZooKeeperOptions>().BindConfiguration(ZooKeeperOptions.Section).ValidateOnStart();
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ZooKeeperOptions>, ZooKeeperOptionsValidator>();
        services.AddSingleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var zookeeper = sp.GetRequiredService<IOptions<ZooKeeperOptions>>().Value;
            var cluster = sp.GetRequiredService<IOptions<ClusterOptions>>().Value;
            return new ClusterNode(
                new ClusterNodeOptions
                {
                    ConnectString = zookeeper.ConnectString,
                    SessionTimeout = zookeeper.SessionTimeout,
                    NodeId = cluster.NodeId,
                    AdvertisedUrl = cluster.AdvertisedUrl,
                    LeadershipPolicy = cluster.LeadershipPolicy,
                    Observer = cluster.Observer,
                    Version = AppVersion,
                },
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<ClusterNode>().Participant);
        services.AddSingleton(sp => sp.GetRequiredService<ClusterNode>().Election);
        services.AddSingleton(sp => sp.GetRequiredService<ClusterNode>().Observer);
        services.AddSingleton<IFaultCommander>(sp => sp.GetRequiredService<ClusterNode>());
        services.AddOptions<FaultsOptions>().BindConfiguration(FaultsOptions.Section).ValidateOnStart()
            .Validate(o => o.MaxDurationSeconds is >= 1 and <= 3600, "Faults:MaxDurationSeconds must be between 1 and 3600.");
        services.AddHostedService<ClusterNodeService>();
        services.AddSingleton<ClusterEventFeed>();
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster");
        return builder;
    }

    public static string AppVersion { get; } =
        typeof(ClusterServiceCollectionExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
