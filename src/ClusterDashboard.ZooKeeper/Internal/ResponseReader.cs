using ClusterDashboard.ZooKeeper.Protocol;

namespace ClusterDashboard.ZooKeeper.Internal;

/// <summary>Parses a successful reply's body.</summary>
internal delegate T ResponseReader<out T>(ref JuteReader reader);
