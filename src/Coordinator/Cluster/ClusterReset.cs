using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Coordinator.Cluster;

// One Session.Reset, a child of the singleton: first every open session says how many steps it has running (a
// session that answers none in time counts as busy), then, if none, every shard is emptied; one reply to the
// client, then it stops.
internal sealed class ClusterReset : ReceiveActor, IWithTimers
{
    private readonly IActorRef _client;
    private readonly HashSet<IActorRef> _sessions;
    private readonly IReadOnlyList<(int Task, string Path)> _shards;
    private readonly HashSet<int> _waiting = [];
    private int _running;

    public ClusterReset(IActorRef client, IReadOnlyList<IActorRef> sessions, IReadOnlyList<(int Task, string Path)> shards, TimeSpan timeout)
    {
        _client = client;
        _sessions = [.. sessions];
        _shards = shards;
        Receive<StepsInFlight>(Counted);
        Receive<Terminated>(t => Counted(t.ActorRef, 0));
        Receive<ShardReset>(Emptied);
        Receive<ShardRequestFailed>(f => Fail(ErrorCodes.Of(f.ToException()), f.Message));
        Receive<ResetTimedOut>(_ => Fail(ErrorCodes.DeadlineExceeded, _sessions.Count > 0
            ? $"{_sessions.Count} session(s) did not say within {timeout.TotalSeconds:0} s whether a Run is in flight; nothing was reset."
            : $"parameter server(s) {string.Join(", ", _waiting.Order().Select(Placement.PsDevice))} did not answer within {timeout.TotalSeconds:0} s."));
        Timers.StartSingleTimer("deadline", new ResetTimedOut(), timeout);
        foreach (var session in _sessions)
        {
            Context.Watch(session);
            session.Tell(new CountStepsInFlight());
        }
        if (_sessions.Count == 0) ResetShards();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef client, IReadOnlyList<IActorRef> sessions, IReadOnlyList<(int Task, string Path)> shards, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new ClusterReset(client, sessions, shards, timeout));

    private void Counted(StepsInFlight m) => Counted(Sender, m.Steps);

    private void Counted(IActorRef session, int steps)
    {
        if (!_sessions.Remove(session)) return;
        _running += steps;
        if (_sessions.Count > 0) return;
        if (_running > 0)
        {
            Fail(ErrorCodes.FailedPrecondition, $"{_running} Run call(s) of the cluster's sessions are in flight; the cluster was not reset. " +
                "Reset it once they have returned (a Session.Reset empties variables that running steps read and update).");
            return;
        }
        ResetShards();
    }

    private void ResetShards()
    {
        foreach (var (task, path) in _shards)
        {
            _waiting.Add(task);
            Context.ActorSelection(path).Tell(new ResetShard(), Self);
        }
        if (_waiting.Count == 0) Finish();
    }

    private void Emptied(ShardReset m)
    {
        if (_waiting.Remove(m.Task) && _waiting.Count == 0) Finish();
    }

    private void Finish()
    {
        _client.Tell(new ClusterResetSucceeded([.. _shards.Select(s => s.Task)]), Context.Parent);
        Context.Stop(Self);
    }

    private void Fail(string code, string reason)
    {
        _client.Tell(new ClusterResetFailed(code, reason), Context.Parent);
        Context.Stop(Self);
    }

    private sealed record ResetTimedOut : INoSerializationVerificationNeeded;
}
