namespace ClusterDashboard.Bench;

/// <summary>One election workload's result (microseconds); FromDeletion* is only measured for crashes.</summary>
internal sealed record ElectionMeasurement(double P50Us, double P99Us, double FromDeletionP50Us, double FromDeletionP99Us, double NotificationsPerFailover);
