namespace ClusterDashboard.ZooKeeper.Tests;

/// <summary>Tests that measure the whole process and so must not share it with other tests running.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
