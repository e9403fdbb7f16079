using System.Reflection;
using ClusterDashboard.Configuration;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;
using ClusterDashboard.Coordination.Security;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

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
        services.AddSingleton<IValidateOptions<ClusterOptions>, ContainerLoopbackValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var zookeeper = sp.GetRequiredService<IOptions<ZooKeeperOptions>>().Value;
            var cluster = sp.GetRequiredService<IOptions<ClusterOptions>>().Value;
            var faults = sp.GetRequiredService<IOptions<FaultsOptions>>().Value;
            return new ClusterNode(
                new ClusterNodeOptions
                {
                    ConnectString = zookeeper.ConnectString,
                    SessionTimeout = zookeeper.SessionTimeout,
                    Tls = ZooKeeperTlsLoader.Load(zookeeper.Tls),
                    Credentials = string.IsNullOrEmpty(zookeeper.Auth) ? null : ClusterCredentials.Parse(zookeeper.Auth),
                    NodeId = cluster.NodeId,
                    AdvertisedUrl = cluster.AdvertisedUrl,
                    LeadershipPolicy = cluster.LeadershipPolicy,
                    Observer = cluster.Observer,
                    Version = AppVersion,
                    MeterFactory = sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
                    Faults = new FaultPolicy
                    {
                        Enabled = faults.Enabled,
                        Key = string.IsNullOrEmpty(faults.ApiKey) ? null : new FaultKey(faults.ApiKey),
                        MaxDurationSeconds = faults.MaxDurationSeconds,
                        MaxCommandAge = TimeSpan.FromSeconds(faults.MaxCommandAgeSeconds),
                    },
                },
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton(sp => sp.GetRequiredService<ClusterNode>().Options);
        services.AddSingleton(sp => sp.GetRequiredService<ClusterNode>().Participant);
        services.AddSingleton(sp => sp.GetRequiredService<ClusterNode>().Election);
        services.AddSingleton(sp => sp.GetRequiredService<ClusterNode>().Observer);
        services.AddSingleton<IFaultCommander>(sp => sp.GetRequiredService<ClusterNode>());
        services.AddOptions<FaultsOptions>().BindConfiguration(FaultsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FaultsOptions>, FaultsOptionsValidator>();
        services.AddHostedService<ClusterNodeService>();
        services.AddSingleton<ClusterEventFeed>();
        services.AddSingleton<EnsembleProbe>();
        services.AddSingleton<ClusterMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ClusterMetrics.MeterName, ZooKeeper.ZooKeeperClientOptions.MeterName)
            // Blazor's own: open circuits (pages), their connections and durations.
            .AddMeter("Microsoft.AspNetCore.Components.Server.Circuits")
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        services.AddHealthChecks().AddCheck<ClusterReadinessCheck>("cluster", tags: [ClusterReadinessCheck.Tag]);
        return builder;
    }

    public static string AppVersion { get; } =
        typeof(ClusterServiceCollectionExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
