using ActorGraph.Messaging.Channel;
using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorGraph.ParameterServer;

// One parameter-server task: a thin persistent actor over ShardState and the bookkeeping beside it (ReadLeases,
// VariableVersions, CopyHolders, ReplicaRounds, JournalWaits). The mailbox hands it one command at a time, in arrival
// order, which is what makes each update atomic. Checkpoint durability: updates live in memory and snapshots are
// taken on request (a crash returns to the last one). Journal durability: each accepted batch is journaled before it
// is acknowledged. Recovery is the latest snapshot plus the journal after it.
public sealed partial class ShardActor : ReceivePersistentActor
{
    private readonly int _task;
    private readonly ShardPersistence _persistence;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly BulkChannel _bulk = BulkChannel.Get(Context.System);
    private readonly ShardProgress _progress = new();
    private readonly JournalWaits<IActorRef> _journal = new();
    private ShardState _state;

    public ShardActor(int task, ShardPersistence persistence)
    {
        _task = task;
        _persistence = persistence;
        _state = ShardState.Empty(task);
        _holders = new CopyHolders<IActorRef>(_versions);
        JournalPluginId = persistence.JournalPluginId;
        SnapshotPluginId = persistence.SnapshotPluginId;
        Recovering();
        Command<ReadVariables>(Handle);
        Command<LookupRows>(Handle);
        Command<ApplyUpdates>(Handle);
        Command<ReleaseReads>(m => _leases.Release(Sender, m.StepId));
        Command<Terminated>(Handle);
        Command<CloseReplicas>(Handle);
        Command<GetShardStatus>(Handle);
        Command<CrashShard>(Handle);
        Checkpoints();
    }

    public override string PersistenceId => _persistence.PersistenceId;

    public static Props Props(int task) => Props(task, ShardPersistence.Volatile(task));

    public static Props Props(int task, ShardPersistence persistence) =>
        Akka.Actor.Props.Create(() => new ShardActor(task, persistence));

    // Values may be large: on a cluster they take the tensor channel.
    private void Reply(IActorRef to, IShardReply reply)
    {
        _traffic.Sent(reply);
        if (reply is IBulkMessage bulk) _bulk.Tell(to, bulk, Self);
        else to.Tell(reply);
    }

    private void Handle(ApplyUpdates received)
    {
        _traffic.Received(received.Updates);
        if (DrawnInitialValues.Drawn(received, _state.Device, out var refusal) is not { } command)
        {
            Sender.Tell(refusal);
            if (received.Routing?.AckTo is { } tracker) Resolve(tracker).Tell(refusal);
            return;
        }
        if (command.Routing is { Replicas: > 1 } routing)
        {
            Gather(command, routing.Replicas);
            return;
        }
        if (command.Routing?.AckTo is { } path) ApplyAcknowledged(command, Resolve(path));
        else Apply(command, [(Sender, command.Wanted)]);
        // Applied (or refused) and acknowledged: nothing holds the operands any more, unless a journal write does.
        if (_persistence.Durability == Durability.Checkpoint)
            foreach (var update in command.Updates)
                foreach (var operand in update.Operands ?? []) _bulk.Recycle(operand);
    }

    private IActorRef Resolve(string path) => ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(path);

    // The step tracker hears first, whatever the outcome: the sender has answered it already. A client the
    // step tracker answered already (UpdateRouting.AckAlso) hears of success only: a failure reaches it from the step tracker.
    private void ApplyAcknowledged(ApplyUpdates command, IActorRef stepTracker)
    {
        try
        {
            var client = command.Routing?.AckAlso is { } path ? Resolve(path) : null;
            Apply(command, client is null ? [(stepTracker, []), (Sender, command.Wanted)] : [(client, []), (stepTracker, []), (Sender, command.Wanted)]);
        }
        catch (Exception e)
        {
            stepTracker.Tell(Aborted(command.StepId, e));
            throw;
        }
    }

    // replyTo: each sender with the updates (indices into Updates) whose values it wants back; null = all.
    private void Apply(ApplyUpdates received, IReadOnlyList<(IActorRef Sender, int[]? Wanted)> replyTo) => Guarded(received.StepId, () =>
    {
        var command = _leases.Dealiased(received);
        // The senders' stages have run: they are done with what they read for this step.
        if (!command.MidStep)
            foreach (var (to, _) in replyTo) _leases.Release(to, command.StepId);
        var decision = _state.Decide(command);
        if (decision.Rejection is { } rejection)
        {
            foreach (var (to, _) in replyTo) to.Tell(rejection);
            return;
        }
        if (UpdateReplies.AcknowledgeBeforeApplying(_persistence.Durability, decision.Events.Count, _bulk.IsInProcess(Sender), replyTo))
        {
            foreach (var (to, _) in replyTo) Reply(to, new UpdatesApplied(command.StepId, []));
            ApplyBatch(command, decision.Events);
            _progress.Applied(command.StepId);
            foreach (var (to, _) in replyTo) PushChanged(to);
            return;
        }
        // Values only for what a sender wants back (a fetched update's output): each is a copy of a whole variable.
        var values = new NDArray?[decision.Events.Count];
        // After each update, not at the end: a batch may update the same variable twice.
        ApplyBatch(command, decision.Events, afterEach: i =>
        {
            if (UpdateReplies.Wanted(replyTo, i)) values[i] = _state.CopyOf(command.Updates[i].Variable);
        });
        _progress.Applied(command.StepId);
        var replies = new (IActorRef To, UpdatesApplied Reply)[replyTo.Count];
        for (int r = 0; r < replyTo.Count; r++)
            replies[r] = (replyTo[r].Sender, new UpdatesApplied(command.StepId, UpdateReplies.ValuesFor(values, replyTo[r].Wanted, copy: r > 0)));
        if (_persistence.Durability == Durability.Checkpoint || decision.Events.Count == 0)
        {
            foreach (var (to, reply) in replies) Replied(to, reply);
            return;
        }
        // Applied now so the next command decides on it; acknowledged only once the journal has it.
        // Async persists let the journal batch many steps' writes into one round trip.
        _journal.Await(decision.Events[^1], replies, command.StepId);
        PersistAllAsync(decision.Events, e =>
        {
            foreach (var (to, reply) in _journal.Journaled(e)) Replied(to, reply);
        });
    });

    // The answer first, then the new values it will read next step: the step ends without waiting for them.
    private void Replied(IActorRef to, UpdatesApplied reply)
    {
        Reply(to, reply);
        PushChanged(to);
    }

    private void FailJournalWaits(object? lastEvent, string why)
    {
        foreach (var (replies, stepId) in _journal.Fail(lastEvent))
            foreach (var (to, _) in replies)
                to.Tell(new ShardRequestFailed(stepId, ErrorCodes.Unavailable,
                    $"Parameter server {_state.Device} could not journal the updates of step {stepId}: {why}"));
    }

    private void Handle(Terminated stopped)
    {
        _leases.ReleaseAll(stopped.ActorRef);
        _holders.Forget(stopped.ActorRef);
    }

    private void Handle(GetShardStatus _) =>
        Sender.Tell(new ShardStatus(_task, _state.Restarted, [.. _state.Variables.Keys.Order(StringComparer.Ordinal)],
            _persistence.Durability, PersistenceId, _progress.RecoveredToStep, _progress.RecoveredCheckpoint, _progress.LastStep,
            _traffic.BytesIn, _traffic.BytesOut, _state.HashTableRows(), _traffic.RowBytes, _traffic.LentBytes));

    private void Handle(CrashShard command) =>
        Guarded(command.StepId, () => throw new SimulatedFaultException($"{_state.Device}: {command.Reason}"));

    // A crash mid-command still answers its step, so the sender fails fast instead of timing out.
    private void Guarded(long stepId, Action handle)
    {
        try
        {
            handle();
        }
        catch (Exception e)
        {
            Sender.Tell(Aborted(stepId, e));
            throw;
        }
    }

    private ShardRequestFailed Aborted(long stepId, Exception e) => new(stepId, ErrorCodes.Aborted,
        $"Parameter server {_state.Device} failed during step {stepId} and is restarting: {e.Message}");

    // The journal refused a write: the batches waiting on it are not acknowledged, and the actor stops
    // (Akka's rule: its state is ahead of the journal). Whoever watches it restarts or reports it.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Parameter server {0} could not journal event {1} (persistence id {2}); stopping", _state.Device, sequenceNr, PersistenceId);
        Context.System.EventStream.Publish(new ShardStoreFailed(_task, PersistenceId, cause.Message));
        FailJournalWaits(null, cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Parameter server {0}: the journal rejected event {1} (persistence id {2})", _state.Device, sequenceNr, PersistenceId);
        FailJournalWaits(@event, cause.Message);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }
}

// Thrown on CrashShard: a fault a simulation asked for, told apart from real ones in logs.
public sealed class SimulatedFaultException(string message) : Exception(message);
