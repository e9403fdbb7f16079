using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Tests;

/// <summary>One ClusterDashboard node, the real app on a real Kestrel port, in this test process.</summary>
internal sealed class DashboardNode : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public DashboardNode(string nodeId, string connectString, TimeSpan? sessionTimeout = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        NodeId = nodeId;
        Port = LoopbackPort.Next();
        _settings = new()
        {
            ["ZooKeeper:ConnectString"] = connectString,
            ["ZooKeeper:SessionTimeout"] = (sessionTimeout ?? TimeSpan.FromSeconds(3)).ToString(),
            ["Cluster:NodeId"] = nodeId,
            ["Cluster:AdvertisedUrl"] = Url,
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
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Error));
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}
