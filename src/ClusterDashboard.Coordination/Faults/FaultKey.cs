using System.Security.Cryptography;
using System.Text;

namespace ClusterDashboard.Coordination.Faults;

/// <summary>
/// A node's fault-injection key (Faults:ApiKey). The key itself never leaves the node: an order proves it knows the
/// key with an HMAC of the order's fields (<see cref="Sign"/>), which the target checks against its own key. Every
/// comparison takes the same time whatever the input, and <see cref="ToString"/> does not show the key.
/// </summary>
public sealed class FaultKey
{
    private readonly byte[] _key;
    private readonly byte[] _digest;

    public FaultKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _key = Encoding.UTF8.GetBytes(key);
        _digest = SHA256.HashData(_key);
    }

    /// <summary>Whether <paramref name="supplied"/> is this key. Both sides are hashed first, so neither the time
    /// taken nor an early exit tells how much of it matched or how long the key is.</summary>
    public bool Matches(string? supplied) =>
        supplied is not null && CryptographicOperations.FixedTimeEquals(_digest, SHA256.HashData(Encoding.UTF8.GetBytes(supplied)));

    /// <summary>Whether <paramref name="proof"/> is the HMAC of <paramref name="text"/> under this key.</summary>
    public bool Verifies(string text, string? proof)
    {
        if (proof is null || proof.Length != 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(proof);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)), given);
    }

    /// <summary>The proof that whoever supplied <paramref name="key"/> ordered <paramref name="text"/>.</summary>
    public static string Sign(string key, string text)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text)));
    }

    public override string ToString() => "***";
}
