using ClusterDashboard.ZooKeeper;

namespace ClusterDashboard.Coordination.Security;

/// <summary>
/// Who may do what to the cluster's znodes. Without credentials everything is open, ZooKeeper's default. With them
/// only the cluster's identity may create, change or delete; a stranger may still read what other services and tools
/// read (the election, the members, the leader's heartbeat), and nothing of the commands, status and history.
/// </summary>
public sealed class ClusterAcls
{
    private readonly string[] _privatePaths;

    public ClusterAcls(ClusterNodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _privatePaths = [ClusterNode.CommandsPath, ClusterNode.StatusPath, ClusterNode.HistoryPath];
        if (options.Credentials is { } credentials)
        {
            Protected = true;
            Private = [new Acl(Permissions.All, credentials.Identity)];
            Shared = [new Acl(Permissions.All, credentials.Identity), new Acl(Permissions.Read, ZooKeeperId.Anyone)];
        }
        else
        {
            Private = Acl.OpenUnsafe;
            Shared = Acl.OpenUnsafe;
        }
    }

    /// <summary>Whether the cluster runs with credentials, so its znodes are closed to strangers.</summary>
    public bool Protected { get; }

    /// <summary>The cluster's identity may do anything, everyone else may read: the cluster's root, the election, the
    /// members and the heartbeat.</summary>
    public IReadOnlyList<Acl> Shared { get; }

    /// <summary>The cluster's identity alone: commands, status and history.</summary>
    public IReadOnlyList<Acl> Private { get; }

    /// <summary>The ACL a znode of the cluster is created with.</summary>
    public IReadOnlyList<Acl> For(string path) =>
        _privatePaths.Any(p => path == p || path.StartsWith(p + "/", StringComparison.Ordinal)) ? Private : Shared;

    /// <summary>zkCli's form, e.g. "world:anyone:r, digest:cluster:cdrwa", for logs: a digest id's password hash is
    /// left out, since it can be brute-forced offline.</summary>
    public static string Describe(IEnumerable<Acl> acl) => string.Join(", ", acl.Select(Describe));

    /// <summary>One entry as "scheme:id:letters", a digest shown by its user only: its hash can be brute-forced offline.</summary>
    public static string Describe(Acl entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return $"{entry.Id.Scheme}:{Name(entry.Id)}:{Letters(entry.Permissions)}";
    }

    private static string Name(ZooKeeperId id) => id.Scheme == "digest" && id.Id.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? id.Id[..colon] : id.Id;

    public static bool SameAcl(IReadOnlyCollection<Acl> a, IReadOnlyCollection<Acl> b) => a.Count == b.Count && a.All(b.Contains);

    private static string Letters(Permissions p) => string.Concat(
        p.HasFlag(Permissions.Create) ? "c" : string.Empty,
        p.HasFlag(Permissions.Delete) ? "d" : string.Empty,
        p.HasFlag(Permissions.Read) ? "r" : string.Empty,
        p.HasFlag(Permissions.Write) ? "w" : string.Empty,
        p.HasFlag(Permissions.Admin) ? "a" : string.Empty);
}
