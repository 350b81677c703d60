using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Coordinator.Cluster;

// A client's conversation with the coordinator singleton, through the singleton proxy of any node.
// Steps then go straight to the session's own coordinator (CoordinatorProtocol), at SessionPath.

// ClientPath: an actor of the client's that lives as long as the session (the singleton watches it);
// Proof: the cluster secret's HMAC over ClientPath.
[MessagePackObject]
public sealed record OpenSession(
    [property: Key(0)] string ClientPath,
    [property: Key(1)] byte[] Proof,
    [property: Key(2)] long StepTimeoutMs,
    [property: Key(3)] DataParallelWire? DataParallel = null) : IActorGraphMessage;

// SessionOptions.DataParallel on the wire.
[MessagePackObject]
public sealed record DataParallelWire(
    [property: Key(0)] int Replicas,
    [property: Key(1)] bool Synchronous,
    [property: Key(2)] long BackupAfterMs,
    [property: Key(3)] int MaxStaleness = -1)
{
    public static DataParallelWire? From(DataParallelism? d) =>
        d is null ? null : new(d.Replicas, d.Synchronous, d.BackupAfter is { } b ? (long)b.TotalMilliseconds : 0, d.MaxStaleness ?? -1);

    public DataParallelism ToSettings() => new()
    {
        Replicas = Replicas, Synchronous = Synchronous, BackupAfter = BackupAfterMs > 0 ? TimeSpan.FromMilliseconds(BackupAfterMs) : null,
        MaxStaleness = MaxStaleness >= 0 ? MaxStaleness : null,
    };
}

// Contacts: the addresses of the cluster's nodes, to reach the singleton again if this one's node goes.
[MessagePackObject]
public sealed record SessionOpened(
    [property: Key(0)] string SessionPath,
    [property: Key(1)] string[] Contacts) : IActorGraphMessage;

// Retry: the cluster is starting or short of workers or parameter servers; false: never (a wrong secret).
[MessagePackObject]
public sealed record SessionRefused([property: Key(0)] string Reason, [property: Key(1)] bool Retry) : IActorGraphMessage;

[MessagePackObject]
public sealed record CloseSession([property: Key(0)] string SessionPath) : IActorGraphMessage;

// Who serves the cluster now: for `actorgraph cluster status` and the deploy scripts. ClientAddress:
// the asking system's address; Proof: the cluster secret's HMAC over it, as OpenSession's.
[MessagePackObject]
public sealed record GetClusterStatus([property: Key(0)] string ClientAddress, [property: Key(1)] byte[] Proof) : IActorGraphMessage;

// A wrong secret: asking again will not help.
[MessagePackObject]
public sealed record ClusterStatusRefused([property: Key(0)] string Reason) : IActorGraphMessage;

// ShardPaths: each ps task's shard actor ("" where none serves), for a status client to ask what it holds.
[MessagePackObject]
public sealed record ClusterStatus(
    [property: Key(0)] string Coordinator,
    [property: Key(1)] string[] Workers,
    [property: Key(2)] string[] ParameterServers,
    [property: Key(3)] string[] Members,
    [property: Key(4)] int Sessions,
    [property: Key(5)] string[]? ShardPaths = null) : IActorGraphMessage;
