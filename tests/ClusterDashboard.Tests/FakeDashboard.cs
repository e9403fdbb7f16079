using ClusterDashboard.Cluster;
using ClusterDashboard.Coordination;
using ClusterDashboard.Coordination.Faults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterDashboard.Tests;

/// <summary>The app with its coordination replaced by <see cref="FakeCoordination"/>: no ZooKeeper needed.</summary>
internal sealed class FakeDashboard(FakeCoordination fake, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    /// <summary>Serves on a real loopback port instead of the in-memory test server, for a browser; returns its URL.</summary>
    public Uri StartKestrel()
    {
        var port = LoopbackPort.Next();
        UseKestrel(port);
        StartServer();
        return new Uri($"http://127.0.0.1:{port}");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings ?? new Dictionary<string, string?>
        {
            ["ZooKeeper:ConnectString"] = "127.0.0.1:1",
            ["Cluster:NodeId"] = "node-1",
            ["Cluster:AdvertisedUrl"] = "http://n1",
        }));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        // A browser's open circuit would hold a stopping host for its whole default shutdown timeout (30 s).
        builder.UseSetting(WebHostDefaults.ShutdownTimeoutKey, "2");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IHostedService>(d => d.ImplementationType == typeof(ClusterNodeService));
            services.AddSingleton<IClusterObserver>(fake);
            services.AddSingleton<IElectionParticipant>(fake);
            services.AddSingleton<IFaultCommander>(fake);
        });
    }
}
