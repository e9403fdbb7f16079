using System.Globalization;

namespace ClusterDashboard.Coordination;

/// <summary>ZooKeeper appends a 10-digit counter to sequential znodes; candidates are ordered by it alone, since
/// names from other clients carry other prefixes.</summary>
public static class SequenceNumber
{
    public const int Digits = 10;

    /// <summary>The sequence suffix of a znode name, or null if it has none.</summary>
    public static long? Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length < Digits)
        {
            return null;
        }

        var suffix = name.AsSpan(name.Length - Digits);
        foreach (var c in suffix)
        {
            if (c is < '0' or > '9')
            {
                return null;
            }
        }

        return long.Parse(suffix, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>Names that carry a sequence, lowest first.</summary>
    public static IReadOnlyList<(string Name, long Sequence)> Order(IEnumerable<string> names) =>
        names.Select(n => (Name: n, Sequence: Parse(n)))
            .Where(c => c.Sequence.HasValue)
            .Select(c => (c.Name, c.Sequence!.Value))
            .OrderBy(c => c.Item2)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
}
