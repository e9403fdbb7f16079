namespace ClusterDashboard.Bench;

/// <summary>Compiles and runs the Java drivers in bench/java against Debian's ZooKeeper jars; disposing it deletes the
/// classes it compiled.</summary>
internal sealed class JavaDriver : IDisposable
{
    private static readonly string[] Jars =
    [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "netty-handler.jar", "netty-common.jar", "netty-buffer.jar",
        "netty-transport.jar", "netty-codec.jar", "netty-resolver.jar", "netty-transport-native-epoll.jar",
        "netty-transport-native-unix-common.jar", "commons-cli.jar", "metrics-core.jar", "snappy-java.jar",
    ];

    private readonly string _classes;
    private readonly string _classPath;

    private JavaDriver(string classes, IEnumerable<string> extraJars)
    {
        _classes = classes;
        _classPath = string.Join(':', new[] { classes }.Concat(Jars.Concat(extraJars).Select(j => Path.Combine("/usr/share/java", j))));
    }

    public static async Task<JavaDriver> CompileAsync(string source, params string[] extraJars)
    {
        var classes = Directory.CreateTempSubdirectory("bench-java-").FullName;
        var driver = new JavaDriver(classes, extraJars);
        try
        {
            var sourcePath = Path.Combine(AppContext.BaseDirectory, "java", source);
            await DriverProcess.ExecAsync("javac", ["-nowarn", "-d", classes, "-cp", driver._classPath, sourcePath]);
            return driver;
        }
        catch
        {
            driver.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_classes, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp directory: not worth hiding why the run ended.
        }
    }

    public Task<Measurement> RunAsync(string mainClass, params string[] args) => RunAsync<Measurement>(mainClass, args);

    public Task<T> RunAsync<T>(string mainClass, params string[] args) => RunWithPropertiesAsync<T>([], mainClass, args);

    /// <summary>Runs with JVM system properties ("-Dname=value"), which is how the Java client is told to use TLS.</summary>
    public async Task<T> RunWithPropertiesAsync<T>(IEnumerable<string> properties, string mainClass, params string[] args)
    {
        var output = await DriverProcess.ExecAsync("java", ["-Xmx1g", .. properties, "-cp", _classPath, mainClass, .. args]);
        return DriverProcess.Result<T>(output, mainClass);
    }
}
