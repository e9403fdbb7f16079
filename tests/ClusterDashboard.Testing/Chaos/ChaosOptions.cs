using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterDashboard.Testing.Chaos;

public sealed record ChaosOptions
{
    public int Seed { get; init; } = 1;

    public int Faults { get; init; } = 500;

    /// <summary>Nodes run the product's ClusterNode; odd ones under the standard policy, even ones under SessionOnly.</summary>
    public int Nodes { get; init; } = 4;

    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a leader writes its token to the fenced register.</summary>
    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Where progress goes, one line per fault.</summary>
    public Action<string> Log { get; init; } = _ => { };

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>After a fault heals, every node agrees on one leader within this (the bound).</summary>
    public TimeSpan AgreementBound => SessionTimeout + TimeSpan.FromSeconds(1);

    /// <summary>How long ZooKeeper itself may take to hand leadership on after a fault that takes the leader away, in
    /// which no leader is owed: the servers expire a session a session timeout after they last heard from it, and
    /// they may hear from it until its own client gives the connection up at the read timeout (two thirds of a
    /// session: a one-way partition lets its pings through until then), or until a stopped server's followers give
    /// their leader up (syncLimit × tickTime, under that); then a second to hand over.</summary>
    public TimeSpan FailoverBound => (SessionTimeout * (1 + (2.0 / 3))) + TimeSpan.FromSeconds(1);
}
