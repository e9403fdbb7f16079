using System.Globalization;

namespace ClusterDashboard.Coordination;

/// <summary>
/// ZooKeeper appends its parent's create counter to a sequential znode's name, formatted as "%010d": ten digits, or
/// once the signed 32-bit counter has wrapped past 2^31 − 1, a minus sign and the digits ("-000000005", and
/// "-2147483648" at eleven characters). Read as an unsigned count, so the order carries on across the wrap: the name
/// after n_2147483647 is n_-2147483648, which reads as 2147483648. It orders the history records; candidates queue by
/// their creation (<see cref="CandidateQueue"/>), and need a number only to count as candidates.
/// </summary>
public static class SequenceNumber
{
    public const int Digits = 10;

    /// <summary>The sequence suffix of a znode name as an unsigned count, or null if it has none ZooKeeper could
    /// have written.</summary>
    public static long? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // "-" and ten digits: a counter from -2147483648 to -1000000000.
        if (name.Length > Digits && name[^(Digits + 1)] == '-' && name[^Digits] != '0' && Number(name.AsSpan(name.Length - Digits)) is { } large && large <= 1L << 31)
        {
            return (1L << 32) - large;
        }

        if (name.Length < Digits)
        {
            return null;
        }

        // "-" and nine digits: a counter from -999999999 to -1.
        if (name[^Digits] == '-')
        {
            return Number(name.AsSpan(name.Length - Digits + 1)) is { } small and > 0 ? (1L << 32) - small : null;
        }

        return Number(name.AsSpan(name.Length - Digits)) is { } value && value <= int.MaxValue ? value : null;
    }

    /// <summary>Names that carry a sequence, lowest first.</summary>
    public static IReadOnlyList<(string Name, long Sequence)> Order(IEnumerable<string> names) =>
        names.Select(n => (Name: n, Sequence: Parse(n)))
            .Where(c => c.Sequence.HasValue)
            .Select(c => (c.Name, c.Sequence!.Value))
            .OrderBy(c => c.Item2)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();

    private static long? Number(ReadOnlySpan<char> digits)
    {
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }
        }

        return long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
