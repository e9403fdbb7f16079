namespace ClusterDashboard.Bench;

/// <summary>Runs the Python drivers in bench/python with Debian's interpreter and its python3-kazoo.</summary>
internal sealed class PythonDriver
{
    // By its full path: a python3 earlier on PATH (a pyenv shim, say) is another interpreter, without Debian's kazoo.
    private const string Interpreter = "/usr/bin/python3";

    private readonly string _scripts = Path.Combine(AppContext.BaseDirectory, "python");

    private PythonDriver(string kazooVersion) => KazooVersion = kazooVersion;

    public string KazooVersion { get; }

    /// <summary>The driver, or null when <see cref="Interpreter"/> is missing or cannot import kazoo.</summary>
    public static async Task<PythonDriver?> FindKazooAsync()
    {
        if (!File.Exists(Interpreter))
        {
            return null;
        }

        try
        {
            var version = await DriverProcess.ExecAsync(Interpreter, ["-c", "import kazoo.version; print(kazoo.version.__version__)"]);
            return new PythonDriver(version.Trim());
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public async Task<T> RunAsync<T>(string script, params string[] args)
    {
        var output = await DriverProcess.ExecAsync(Interpreter, [Path.Combine(_scripts, script), .. args]);
        return DriverProcess.Result<T>(output, script);
    }
}
