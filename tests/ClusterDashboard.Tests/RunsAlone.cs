namespace ClusterDashboard.Tests;

/// <summary>Tests that read what the whole process exports and so must not share it with other tests' nodes: every
/// in-process node's meter is named "ClusterDashboard", and a host's exporter takes the first instrument of each name
/// it meets, which may be another test's.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
