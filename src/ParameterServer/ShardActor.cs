using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorGraph.ParameterServer;

// One parameter-server task: a thin persistent actor over ShardState. The mailbox hands it one command
// at a time, in arrival order, which is what makes each update atomic. Checkpoint durability: updates
// live in memory and snapshots are taken on request (a crash returns to the last one). Journal
// durability: each accepted batch is journaled before it is acknowledged. Recovery is the latest
// snapshot plus the journal after it.
public sealed partial class ShardActor : ReceivePersistentActor
{
    private readonly int _task;
    private readonly ShardPersistence _persistence;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ShardState _state;
    private long _lastStep = -1;

    public ShardActor(int task, ShardPersistence persistence)
    {
        _task = task;
        _persistence = persistence;
        _state = ShardState.Empty(task);
        JournalPluginId = persistence.JournalPluginId;
        SnapshotPluginId = persistence.SnapshotPluginId;
        Recovering();
        Command<ReadVariables>(Handle);
        Command<ApplyUpdates>(Handle);
        Command<ReleaseReads>(m => _leases.Release(Sender, m.StepId));
        Command<Terminated>(m =>
        {
            _leases.ReleaseAll(m.ActorRef);
            ForgetHolder(m.ActorRef);
        });
        Command<CloseReplicas>(Handle);
        Command<GetShardStatus>(Handle);
        Command<CrashShard>(Handle);
        Checkpoints();
    }

    public override string PersistenceId => _persistence.PersistenceId;

    public static Props Props(int task) => Props(task, ShardPersistence.Volatile(task));

    public static Props Props(int task, ShardPersistence persistence) =>
        Akka.Actor.Props.Create(() => new ShardActor(task, persistence));

    // Lent only to a reader in this ActorSystem: a remote one gets the values serialized (on the tensor
    // channel or by Akka.Remote, later than now), and a live array must not change before that.
    private void Handle(ReadVariables command) => Guarded(command.StepId, () =>
    {
        bool lend = command.Lend && _bulk.IsInProcess(Sender);
        // To another node on the tensor channel the reply is serialized before this returns: the live
        // arrays go out uncopied, and are not lent (nothing of them stays with the reader).
        bool serialized = !lend && _bulk.SerializesNow(Sender);
        var reply = _state.Read(command, lend ? ReadLeases.Worth : serialized ? _ => true : null);
        if (serialized)
        {
            if (reply is VariablesRead read) _bulk.Tell(Sender, Versioned(Sender, command, read), Self, snapshot: true);
            else Reply(Sender, reply);
            return;
        }
        if (reply is VariablesRead { Lent: true } lent) Lend(command, lent);
        Reply(Sender, reply);
    });

    private readonly Channel.BulkChannel _bulk = Channel.BulkChannel.Get(Context.System);

    // Values may be large: on a cluster they take the tensor channel.
    private void Reply(IActorRef to, IShardReply reply)
    {
        if (reply is Channel.IBulkMessage bulk) _bulk.Tell(to, bulk, Self);
        else to.Tell(reply);
    }

    private void Handle(ApplyUpdates command)
    {
        if (command.Routing is { Replicas: > 1 })
        {
            Gather(command);
            return;
        }
        if (command.Routing?.AckTo is { } path) ApplyAcknowledged(command, Resolve(path));
        else Apply(command, [(Sender, command.Wanted)]);
        // Applied (or refused) and acknowledged: nothing holds the operands any more, unless a journal write does.
        if (_persistence.Durability == Durability.Checkpoint) _bulk.Recycle(command.Updates);
    }

    private IActorRef Resolve(string path) => ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(path);

    // The step's gatherer hears first, whatever the outcome: the sender has answered it already. A client the
    // gatherer answered already (UpdateRouting.AckAlso) hears of success only: a failure reaches it from the gatherer.
    private void ApplyAcknowledged(ApplyUpdates command, IActorRef gatherer)
    {
        try
        {
            var client = command.Routing?.AckAlso is { } path ? Resolve(path) : null;
            Apply(command, client is null ? [(gatherer, []), (Sender, command.Wanted)] : [(client, []), (gatherer, []), (Sender, command.Wanted)]);
        }
        catch (Exception e)
        {
            gatherer.Tell(new ShardRequestFailed(command.StepId, ErrorCodes.Aborted,
                $"Parameter server {_state.Device} failed during step {command.StepId} and is restarting: {e.Message}"));
            throw;
        }
    }

    // replyTo: each sender with the updates (indices into Updates) whose values it wants back; null = all.
    private void Apply(ApplyUpdates received, IReadOnlyList<(IActorRef Sender, int[]? Wanted)> replyTo) => Guarded(received.StepId, () =>
    {
        var command = Dealiased(received);
        // The senders' stages have run: they are done with what they read for this step.
        foreach (var (to, _) in replyTo) _leases.Release(to, command.StepId);
        var decision = _state.Decide(command);
        if (decision.Rejection is { } rejection)
        {
            foreach (var (to, _) in replyTo) to.Tell(rejection);
            return;
        }
        if (AcknowledgesBeforeApplying(decision, replyTo))
        {
            foreach (var (to, _) in replyTo) Reply(to, new UpdatesApplied(command.StepId, []));
            ApplyBatch(command, decision.Events);
            _lastStep = Math.Max(_lastStep, command.StepId);
            foreach (var (to, _) in replyTo) PushChanged(to);
            return;
        }
        // Values only for what a sender wants back (a fetched update's output): each is a copy of a whole variable.
        var values = new NDArray?[decision.Events.Count];
        // After each update, not at the end: a batch may update the same variable twice.
        ApplyBatch(command, decision.Events, afterEach: i =>
        {
            if (replyTo.Any(r => r.Wanted is null || Array.IndexOf(r.Wanted, i) >= 0)) values[i] = _state.CopyOf(command.Updates[i].Variable);
        });
        _lastStep = Math.Max(_lastStep, command.StepId);
        var replies = new (IActorRef To, UpdatesApplied Reply)[replyTo.Count];
        for (int r = 0; r < replyTo.Count; r++)
            replies[r] = (replyTo[r].Sender, new UpdatesApplied(command.StepId, ValuesFor(values, replyTo[r].Wanted, copy: r > 0)));
        if (_persistence.Durability == Durability.Checkpoint || decision.Events.Count == 0)
        {
            foreach (var (to, reply) in replies) Replied(to, reply);
            return;
        }
        // Applied now so the next command decides on it; acknowledged only once the journal has it.
        // Async persists let the journal batch many steps' writes into one round trip.
        var last = decision.Events[^1];
        _awaitingJournal[last] = (replies, command.StepId);
        PersistAllAsync(decision.Events, e =>
        {
            if (_awaitingJournal.Remove(e, out var waiting))
                foreach (var (to, reply) in waiting.Replies) Replied(to, reply);
        });
    });

    // A batch that passed Decide is applied before this actor takes its next message, so whatever anyone sends the shard
    // after the acknowledgement finds it applied: with nothing to journal and no value wanted back, the acknowledgement
    // goes first, and the step's answer does not wait for the arithmetic (~100 µs for an MLP's 1 MB of weights).
    // Only an exception inside UpdateRules could then fail what was acknowledged; it restarts the shard at its last
    // checkpoint, which loses every update since, acknowledged or not, in checkpoint durability anyway.
    // Not for a sender in this process: its operands are its kernels' own buffers, lent until the shard answers
    // (ShardProtocol), and its next step may write them as soon as the answer is in.
    private bool AcknowledgesBeforeApplying(ShardDecision decision, IReadOnlyList<(IActorRef Sender, int[]? Wanted)> replyTo) =>
        _persistence.Durability == Durability.Checkpoint && decision.Events.Count > 0 && !_bulk.IsInProcess(Sender)
        && replyTo.All(r => r.Wanted is { Length: 0 });

    // The answer first, then the new values it will read next step: the step ends without waiting for them.
    private void Replied(IActorRef to, UpdatesApplied reply)
    {
        Reply(to, reply);
        PushChanged(to);
    }

    // One sender's values, in the order of its Wanted (of the updates when it is null); a second
    // sender (a replica of the same step) gets its own copies.
    private static NDArray[] ValuesFor(NDArray?[] values, int[]? wanted, bool copy)
    {
        var picked = wanted is null ? values : Array.ConvertAll(wanted, w => w >= 0 && w < values.Length ? values[w] : null);
        return Array.ConvertAll(picked, v => copy ? v?.Copy()! : v!);
    }

    // Batches applied but not yet journaled, by their last event: told why if the journal fails them.
    private readonly Dictionary<object, ((IActorRef To, UpdatesApplied Reply)[] Replies, long StepId)> _awaitingJournal = new(ReferenceEqualityComparer.Instance);

    private void FailAwaitingJournal(Func<object, bool> which, string why)
    {
        foreach (var e in _awaitingJournal.Keys.Where(which).ToList())
        {
            _awaitingJournal.Remove(e, out var waiting);
            foreach (var (to, _) in waiting.Replies)
                to.Tell(new ShardRequestFailed(waiting.StepId, ErrorCodes.Unavailable,
                    $"Parameter server {_state.Device} could not journal the updates of step {waiting.StepId}: {why}"));
        }
    }

    private void Handle(GetShardStatus _) =>
        Sender.Tell(new ShardStatus(_task, _state.Restarted, [.. _state.Variables.Keys.Order(StringComparer.Ordinal)],
            _persistence.Durability, PersistenceId, _recoveredToStep, _recoveredCheckpoint, _lastStep));

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
            Sender.Tell(new ShardRequestFailed(stepId, ErrorCodes.Aborted,
                $"Parameter server {_state.Device} failed during step {stepId} and is restarting: {e.Message}"));
            throw;
        }
    }

    // The journal refused a write: the batches waiting on it are not acknowledged, and the actor stops
    // (Akka's rule: its state is ahead of the journal). Whoever watches it restarts or reports it.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Parameter server {0} could not journal event {1} (persistence id {2}); stopping", _state.Device, sequenceNr, PersistenceId);
        Context.System.EventStream.Publish(new ShardStoreFailed(_task, PersistenceId, cause.Message));
        FailAwaitingJournal(_ => true, cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Parameter server {0}: the journal rejected event {1} (persistence id {2})", _state.Device, sequenceNr, PersistenceId);
        FailAwaitingJournal(e => ReferenceEquals(e, @event), cause.Message);
        base.OnPersistRejected(cause, @event, sequenceNr);
    }
}

// Thrown on CrashShard: a fault a simulation asked for, told apart from real ones in logs.
public sealed class SimulatedFaultException(string message) : Exception(message);
