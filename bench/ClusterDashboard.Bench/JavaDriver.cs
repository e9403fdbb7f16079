using System.Diagnostics;
using System.Text.Json;

namespace ClusterDashboard.Bench;

/// <summary>Compiles and runs the Java drivers in bench/java against Debian's ZooKeeper jars.</summary>
internal sealed class JavaDriver
{
    private static readonly string[] Jars =
    [
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "netty-handler.jar", "netty-common.jar", "netty-buffer.jar",
        "netty-transport.jar", "netty-codec.jar", "netty-resolver.jar", "netty-transport-native-epoll.jar",
        "netty-transport-native-unix-common.jar", "commons-cli.jar", "metrics-core.jar", "snappy-java.jar",
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        var sourcePath = Path.Combine(AppContext.BaseDirectory, "java", source);
        await ExecAsync("javac", ["-nowarn", "-d", classes, "-cp", driver._classPath, sourcePath]);
        return driver;
    }

    public Task<Measurement> RunAsync(string mainClass, params string[] args) => RunAsync<Measurement>(mainClass, args);

    public Task<T> RunAsync<T>(string mainClass, params string[] args) => RunWithPropertiesAsync<T>([], mainClass, args);

    /// <summary>Runs with JVM system properties ("-Dname=value"), which is how the Java client is told to use TLS.</summary>
    public async Task<T> RunWithPropertiesAsync<T>(IEnumerable<string> properties, string mainClass, params string[] args)
    {
        var output = await ExecAsync("java", ["-Xmx1g", .. properties, "-cp", _classPath, mainClass, .. args]);
        var line = output.Split('\n').Last(l => l.TrimStart().StartsWith('{'));
        return JsonSerializer.Deserialize<T>(line, Json)
            ?? throw new InvalidOperationException($"{mainClass} printed no result");
    }

    private static async Task<string> ExecAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await stderr}");
        }

        foreach (var warning in (await stderr).Split('\n').Where(l => l.StartsWith("warning:", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine(warning);
        }

        return await stdout;
    }
}
