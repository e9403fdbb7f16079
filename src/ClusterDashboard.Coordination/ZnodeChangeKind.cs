namespace ClusterDashboard.Coordination;

public enum ZnodeChangeKind
{
    Created,
    Deleted,
    DataChanged,
}
