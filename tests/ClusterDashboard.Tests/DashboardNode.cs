using ClusterDashboard.Coordination;
using ClusterDashboard.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Tests;

/// <summary>One ClusterDashboard node, the real app on a real Kestrel port, in this test process.</summary>
internal sealed class DashboardNode : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private readonly TimeProvider? _clock;

    /// <param name="clock">The node's clock, when a test wants it to differ from the machine's.</param>
    public DashboardNode(string nodeId, string connectString, TimeSpan? sessionTimeout = null, IReadOnlyDictionary<string, string?>? extraSettings = null, LogLevel? captureLogsFrom = null, TimeProvider? clock = null)
    {
        _clock = clock;
        Logs = new CapturedLogs(captureLogsFrom ?? LogLevel.Warning);
        NodeId = nodeId;
        Port = LoopbackPort.Next();
        _settings = new()
        {
            ["ZooKeeper:ConnectString"] = connectString,
            ["ZooKeeper:SessionTimeout"] = (sessionTimeout ?? TimeSpan.FromSeconds(3)).ToString(),
            ["Cluster:NodeId"] = nodeId,
            ["Cluster:AdvertisedUrl"] = Url,
            ["ZooKeeper:Auth"] = TestCredentials.Auth,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(Port);
    }

    public string NodeId { get; }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public HttpClient Http { get; } = new();

    /// <summary>The node's own view of the cluster.</summary>
    public IClusterObserver Observer => Services.GetRequiredService<IClusterObserver>();

    /// <summary>What the node logged (from Warning up, unless the test asked for more).</summary>
    public CapturedLogs Logs { get; }

    public DashboardNode Start()
    {
        StartServer();
        Http.BaseAddress = new Uri(Url);
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging =>
        {
            var level = Logs.MinimumLevel < LogLevel.Warning ? Logs.MinimumLevel : LogLevel.Warning;
            logging.SetMinimumLevel(level).AddFilter("Microsoft.AspNetCore", Logs.MinimumLevel < LogLevel.Warning ? Logs.MinimumLevel : LogLevel.Error);
            logging.AddProvider(Logs);
        });
        if (_clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}
