using System.Reflection;
using System.Text.RegularExpressions;
using ClusterDashboard.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ClusterDashboard.Tests;

/// <summary>
/// The Dockerfile, docker-compose.yml and the Kubernetes manifests, read as the tools would (no Docker engine or cluster
/// runs here): they use only configuration keys the app knows, ports that agree, and the ZooKeeper settings ./run.sh
/// uses, so they cannot drift from the app unnoticed.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = RepositoryRoot();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterDashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run from within the repository");
    }

    private static string Read(string path) => File.ReadAllText(Path.Combine(Root, path));

    // Every "Section__Key" the app binds: the properties of its options classes.
    private static readonly HashSet<string> KnownKeys = new[] { (ZooKeeperOptions.Section, typeof(ZooKeeperOptions)), (ClusterOptions.Section, typeof(ClusterOptions)), (FaultsOptions.Section, typeof(FaultsOptions)) }
        .SelectMany(o => o.Item2.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => $"{o.Item1}__{p.Name}"))
        .ToHashSet(StringComparer.OrdinalIgnoreCase); // as .NET's configuration reads them

    private static void AssertKnown(string key, string where)
    {
        if (key.Contains("__", StringComparison.Ordinal))
        {
            Assert.True(KnownKeys.Contains(key), $"{where}: {key} is no configuration key the app knows ({string.Join(", ", KnownKeys.Order(StringComparer.Ordinal))})");
        }
    }

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        // Merge keys (<<: *anchor) as docker compose reads them.
        stream.Load(new MergingParser(new Parser(new StringReader(Read(path)))));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode At(YamlNode node, params string[] keys) =>
        keys.Aggregate(node, (n, k) => ((YamlMappingNode)n).Children[new YamlScalarNode(k)]);

    private static string Scalar(YamlNode node, params string[] keys) => ((YamlScalarNode)At(node, keys)).Value!;

    private static Dictionary<string, string> Environment(YamlNode service) =>
        ((YamlMappingNode)At(service, "environment")).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value!, StringComparer.Ordinal);

    [GeneratedRegex(@"echo ""tickTime=(\d+)""")]
    private static partial Regex RunTickTime();

    [GeneratedRegex(@"echo ""4lw.commands.whitelist=([a-z,]+)""")]
    private static partial Regex RunWhitelist();

    [GeneratedRegex(@"^session_timeout=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex RunSessionTimeout();

    [GeneratedRegex(@"^EXPOSE (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Expose();

    [Fact]
    public void The_dockerfile_serves_on_its_exposed_port_as_no_root_with_a_liveness_check()
    {
        var dockerfile = Read("Dockerfile");
        var expose = Expose().Match(dockerfile);
        Assert.True(expose.Success, "the Dockerfile exposes a port");
        var port = expose.Groups[1].Value;

        Assert.Contains($"ASPNETCORE_URLS=http://+:{port}", dockerfile, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"^USER \$APP_UID$", RegexOptions.Multiline), dockerfile);
        Assert.Matches(new Regex(@"HEALTHCHECK .*/healthz", RegexOptions.Singleline), dockerfile);
        var ignored = Read(".dockerignore");
        foreach (var heavy in new[] { "**/bin/", "**/obj/", ".run/", ".git/" })
        {
            Assert.Contains(heavy, ignored, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_compose_file_runs_three_servers_and_three_nodes_with_run_sh_settings_known_keys_and_matching_ports()
    {
        var run = Read("run.sh");
        var containerPort = Expose().Match(Read("Dockerfile")).Groups[1].Value;
        var services = (YamlMappingNode)At(Documents("docker-compose.yml")[0], "services");
        var names = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        var servers = names.Where(n => n.StartsWith("zk", StringComparison.Ordinal)).ToList();
        var nodes = names.Where(n => n.StartsWith("node-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["zk1", "zk2", "zk3"], servers);
        Assert.Equal(["node-1", "node-2", "node-3"], nodes);

        foreach (var server in servers)
        {
            var env = Environment(services.Children[new YamlScalarNode(server)]);
            Assert.Equal(RunTickTime().Match(run).Groups[1].Value, env["ZOO_TICK_TIME"]);
            Assert.Equal(RunWhitelist().Match(run).Groups[1].Value, env["ZOO_4LW_COMMANDS_WHITELIST"]);
            Assert.Equal(server[2..], env["ZOO_MY_ID"]);
            Assert.Equal(servers.Count, env["ZOO_SERVERS"].Split(' ').Length);
        }

        var session = TimeSpan.FromSeconds(int.Parse(RunSessionTimeout().Match(run).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var node in nodes)
        {
            var service = services.Children[new YamlScalarNode(node)];
            var env = Environment(service);
            foreach (var key in env.Keys)
            {
                AssertKnown(key, $"docker-compose.yml {node}");
            }

            Assert.Equal(node, env["Cluster__NodeId"]);
            Assert.Equal(session, TimeSpan.Parse(env["ZooKeeper__SessionTimeout"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(servers.Select(s => $"{s}:2181"), env["ZooKeeper__ConnectString"].Split('/')[0].Split(','));
            Assert.StartsWith("digest:", env["ZooKeeper__Auth"], StringComparison.Ordinal);
            // The node would start in its container: the app's own check of these settings passes.
            var cluster = new ClusterOptions { NodeId = env["Cluster__NodeId"], AdvertisedUrl = env["Cluster__AdvertisedUrl"], InContainer = true, AllowLoopback = env.GetValueOrDefault("Cluster__AllowLoopback") == "true" };
            var zookeeper = Microsoft.Extensions.Options.Options.Create(new ZooKeeperOptions { ConnectString = env["ZooKeeper__ConnectString"] });
            Assert.True(new ContainerLoopbackValidator(zookeeper).Validate(null, cluster).Succeeded, $"{node} would refuse to start in its container");
            var published = ((YamlScalarNode)((YamlSequenceNode)At(service, "ports")).Children.Single()).Value!.Split(':');
            Assert.Equal(containerPort, published[1]);
            Assert.Equal(published[0], new Uri(env["Cluster__AdvertisedUrl"]).Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void The_kubernetes_manifests_take_the_node_id_from_the_pod_probe_readiness_and_liveness_and_keep_a_quorum_of_nodes()
    {
        var documents = Documents("deploy/kubernetes/clusterdashboard.yaml");
        var kinds = documents.Select(d => Scalar(d, "kind")).ToList();
        Assert.Equal(["StatefulSet", "Service", "Service", "PodDisruptionBudget"], kinds);
        var set = documents[0];
        var container = (YamlMappingNode)((YamlSequenceNode)At(set, "spec", "template", "spec", "containers")).Children.Single();
        var env = ((YamlSequenceNode)At(container, "env")).Children.Cast<YamlMappingNode>().ToDictionary(e => Scalar(e, "name"), e => e, StringComparer.Ordinal);
        foreach (var key in env.Keys)
        {
            AssertKnown(key, "deploy/kubernetes StatefulSet");
        }

        Assert.Equal("metadata.name", Scalar(env["POD_NAME"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Scalar(env["POD_IP"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("$(POD_NAME)", Scalar(env["Cluster__NodeId"], "value"));
        var containerPort = Expose().Match(Read("Dockerfile")).Groups[1].Value;
        Assert.Equal($"http://$(POD_IP):{containerPort}", Scalar(env["Cluster__AdvertisedUrl"], "value"));
        Assert.Equal(containerPort, Scalar(((YamlSequenceNode)At(container, "ports")).Children[0], "containerPort"));
        Assert.Equal("/readyz", Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/healthz", Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("secretKeyRef", ((YamlMappingNode)At(env["ZooKeeper__Auth"], "valueFrom")).Children.Keys.Cast<YamlScalarNode>().Single().Value);
        Assert.Equal("1", Scalar(documents[3], "spec", "maxUnavailable"));
    }
}
