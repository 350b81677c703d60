using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph;

// Where local mode's shards persist: on the session's store from the start when it asks for durability,
// a job or automatic checkpoints (the store is probed first: unreachable fails the session at once);
// otherwise in memory, writing to the store only when a Saver asks.
internal sealed partial class LocalRuntime
{
    private readonly List<ParameterServerRecovery> _recoveries = [];
    private IActorRef? _recoveryListener;

    public IReadOnlyList<ParameterServerRecovery> Recoveries
    {
        get { lock (_recoveries) return [.. _recoveries]; }
    }

    private ShardPersistence[] ShardPersistenceFor(SessionOptions options, string job)
    {
        if (!options.PersistentShards) return [.. Enumerable.Range(0, options.ParameterServers).Select(ShardPersistence.Volatile)];
        var store = CheckpointStore.Parse(options.CheckpointStore);
        StoreProbe.Check(store);
        StorePlugins.Attach(_system, store);
        return [.. Enumerable.Range(0, options.ParameterServers).Select(t => ShardPersistence.On(store, job, t, options.Durability))];
    }

    // A shard that restarts says where it came back to: the session keeps it and prints it.
    private void WatchRecoveries(ShardPersistence[] persistence)
    {
        var ids = persistence.Select(p => p.PersistenceId).ToHashSet(StringComparer.Ordinal);
        _recoveryListener = _system.ActorOf(Props.Create(() => new RecoveryListener(ids, Recovered)));
    }

    private void Recovered(ShardRestarted notice)
    {
        var recovery = new ParameterServerRecovery(notice.Task, notice.RecoveredToStep, notice.RecoveredCheckpoint, notice.Reason);
        lock (_recoveries) _recoveries.Add(recovery);
        Print(recovery + Environment.NewLine);
    }

    private sealed class RecoveryListener : ReceiveActor
    {
        public RecoveryListener(HashSet<string> ids, Action<ShardRestarted> recovered)
        {
            Receive<ShardRestarted>(n => ids.Contains(n.PersistenceId), recovered);
        }

        protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(ShardRestarted));

        protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
    }
}

// A parameter server that crashed and came back: to the state at Step (its last checkpoint, plus the
// journal in journal mode), or empty (Step -1) when it had none.
public sealed record ParameterServerRecovery(int Task, long Step, string? CheckpointId, string Reason)
{
    public override string ToString() => Step < 0
        ? $"Parameter server /job:ps/task:{Task} restarted after: {Reason}; it had no checkpoint, its variables are uninitialized."
        : $"Parameter server /job:ps/task:{Task} restarted after: {Reason}; it returned to step {Step}{(CheckpointId is null ? "" : $" (checkpoint {CheckpointId})")}.";
}
