namespace ClusterDashboard.Bench;

/// <summary>A process's CPU time so far (user and system), from /proc: what a stretch of work cost each process of a
/// run, measured from outside it.</summary>
internal static class CpuTime
{
    // Linux reports utime and stime in clock ticks of USER_HZ, 100 a second on every architecture .NET runs on.
    private const double TicksPerMillisecond = 0.1;

    public static double? MillisecondsOf(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            // The command name, in parentheses, may hold spaces: the fields are counted after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / TicksPerMillisecond;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
