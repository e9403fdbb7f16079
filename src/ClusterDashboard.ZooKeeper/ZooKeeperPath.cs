namespace ClusterDashboard.ZooKeeper;

/// <summary>Client-side path rules (ZooKeeper's PathUtils). The server validates inconsistently, so checking here
/// gives the caller one clear error instead of NoNode or BadArguments depending on where the path is wrong.</summary>
public static class ZooKeeperPath
{
    public static void Validate(string path, bool isSequential = false)
    {
        var problem = Check(path, isSequential);
        if (problem is not null)
        {
            throw new ArgumentException($"Invalid znode path '{path}': {problem}.", nameof(path));
        }
    }

    public static string? Check(string? path, bool isSequential = false)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "a path must not be empty";
        }

        if (path[0] != '/')
        {
            return "a path must start with '/'";
        }

        if (path.Length == 1)
        {
            return null;
        }

        if (path[^1] == '/' && !isSequential)
        {
            return "a path must not end with '/'";
        }

        var segments = path.Split('/');
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            var isLast = i == segments.Length - 1;
            if (segment.Length == 0 && !(isLast && isSequential))
            {
                return "empty segment ('//')";
            }

            if (segment is "." or "..")
            {
                return $"relative segment '{segment}'";
            }
        }

        foreach (var c in path)
        {
            if (c == '\0' || (c > '\u0000' && c <= '\u001f') || (c >= '\u007f' && c <= '\u009f')
                || (c >= '\ud800' && c <= '\uf8ff') || (c >= '\ufff0' && c <= '\uffff'))
            {
                return $"character U+{(int)c:X4} is not allowed";
            }
        }

        return null;
    }

    /// <summary>The parent of a path ("/a/b" → "/a", "/a" → "/").</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The last segment of a path.</summary>
    public static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    public static string Combine(string parent, string child) => parent == "/" ? "/" + child : parent + "/" + child;
}
