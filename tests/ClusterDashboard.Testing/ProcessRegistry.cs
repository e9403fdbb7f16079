using System.Diagnostics;

namespace ClusterDashboard.Testing;

/// <summary>Remembers every process the tests started (ZooKeeper servers, nodes run as processes), so even a test run
/// that dies leaves none behind.</summary>
public static class ProcessRegistry
{
    private static readonly HashSet<Process> Running = [];

    static ProcessRegistry() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Track(Process process)
    {
        lock (Running)
        {
            Running.Add(process);
        }
    }

    public static void Forget(Process process)
    {
        lock (Running)
        {
            Running.Remove(process);
        }
    }

    /// <summary>Sends a signal by number (Process.Kill only knows SIGKILL).</summary>
    public static async Task SignalAsync(int pid, int signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { RedirectStandardError = true });
        if (kill is not null)
        {
            await kill.WaitForExitAsync();
        }
    }

    private static void KillAll()
    {
        lock (Running)
        {
            foreach (var process in Running)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
            }

            Running.Clear();
        }
    }
}
