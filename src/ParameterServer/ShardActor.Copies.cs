using Akka.Actor;

namespace ActorGraph.ParameterServer;

// Reads, and the copies of the variables they leave with readers. A reader in this ActorSystem borrows the live
// arrays (ReadLeases), which are then written only after they come back. A reader on another node holds copies at
// versions (CopyHolders): a read of what it holds sends versions alone, and after its updates the shard pushes it
// what changed, or only the new versions of what it replayed itself.
public sealed partial class ShardActor
{
    private readonly ReadLeases<IActorRef> _leases = new();
    private readonly VariableVersions _versions = new();
    private readonly CopyHolders<IActorRef> _holders;

    // Lent only to a reader in this ActorSystem: a remote one gets the values serialized (on the tensor
    // channel or by Akka.Remote, later than now), and a live array must not change before that.
    private void Handle(ReadVariables command) => Guarded(command.StepId, () =>
    {
        bool lend = command.Lend && _bulk.IsInProcess(Sender);
        // To another node on the tensor channel the reply is serialized before this returns: the live
        // arrays go out uncopied, and are not lent (nothing of them stays with the reader).
        bool serialized = !lend && _bulk.SerializesNow(Sender);
        var reply = _state.Read(command, lend ? ReadLeases<IActorRef>.Worth : serialized ? _ => true : null);
        if (serialized)
        {
            if (reply is VariablesRead read)
            {
                var versioned = Holder(Sender).Versioned(command, read);
                _traffic.Sent(versioned);
                _bulk.Tell(Sender, versioned, Self, snapshot: true);
            }
            else Reply(Sender, reply);
            return;
        }
        // A reader that stops never releases: its leases end with it.
        if (reply is VariablesRead { Lent: true } lent && _leases.Lend(Sender, command.StepId, command.Names, lent.Values, _state)) Context.Watch(Sender);
        Reply(Sender, reply);
    });

    // A reader on another node: watched, so that what it holds is forgotten when it stops.
    private ReaderCopies Holder(IActorRef reader)
    {
        var holder = _holders.GetOrAdd(reader, out bool added);
        if (added) Context.Watch(reader);
        return holder;
    }

    // After a reader's UpdatesApplied: the new values of what it read, where they changed since it got them.
    private void PushChanged(IActorRef reader)
    {
        if (_holders.Find(reader) is not { } holder || !_bulk.SerializesNow(reader)) return;
        // Serialized before Tell returns (SerializesNow): the live arrays go out uncopied.
        if (holder.Changed(_state) is not { } pushed) return;
        _traffic.Sent(pushed);
        _bulk.Tell(reader, pushed, Self, snapshot: true);
    }

    // Applies a decided batch. A reader on another node that applied the updates to its own copies
    // (ApplyUpdates.ReplayedOn) learns the versions they became instead of receiving the values: half the bytes of a
    // step with remote shards, and the ps's CPU for serializing them.
    private void ApplyBatch(ApplyUpdates command, IReadOnlyList<IShardEvent> events, Action<int>? afterEach = null)
    {
        var replayer = command.ReplayedOn is not null && _holders.Find(Sender) is { } holder && _bulk.SerializesNow(Sender) ? holder : null;
        List<(string Name, long Base, long Version)>? replayed = null;
        for (int i = 0; i < events.Count; i++)
        {
            var applied = (UpdateApplied)events[i];
            var name = applied.Update.Variable;
            long before = _versions.Of(name);
            ApplyUnshared(applied);
            afterEach?.Invoke(i);
            if (replayer?.Replayed(command.ReplayedOn!, i, applied.Update, before) is > 0 and var version) (replayed ??= []).Add((name, before, version));
        }
        if (replayed is not null)
            _bulk.Tell(Sender, new UpdatesReplayed([.. replayed.Select(r => r.Name)], [.. replayed.Select(r => r.Base)], [.. replayed.Select(r => r.Version)]), Self);
    }

    // A lent array is never written: its variable moves first.
    private void ApplyUnshared(UpdateApplied applied)
    {
        _leases.Unshare(_state, applied.Update.Variable);
        foreach (var slot in applied.Update.Slots) _leases.Unshare(_state, slot);
        _state = _state.Apply(applied);
        _versions.Written(applied.Update.Variable);
        foreach (var slot in applied.Update.Slots) _versions.Written(slot);
    }
}
