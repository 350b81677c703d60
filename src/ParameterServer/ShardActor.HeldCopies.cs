using ActorGraph.Training;
using Akka.Actor;

namespace ActorGraph.ParameterServer;

// Copies held by readers on other nodes. A worker of another node keeps every value it receives from this
// shard, with the value's version; a read of a variable it holds at the current version then sends the
// version alone. After a worker's updates are applied, the shard pushes it the new values of what it read
// that step (VariablesPushed, after UpdatesApplied), so the next step's read carries no values: the ~1 MB
// of an MLP's weights leave the next step's critical path and cross while the step's answer travels.
// A worker that applies its own updates to its copies (ApplyUpdates.ReplayedOn: plain gradient descent and
// assignments) is sent the new versions alone (UpdatesReplayed), and the weights cross only once.
//
// Versions are per variable, drawn from a counter that starts at random for each incarnation of this actor,
// so a version from before a restart or a takeover never matches one after it. A reader that lacks a held
// value (it restarted) asks again with ReadVariables.Fresh. Readers in this ActorSystem borrow the live
// arrays instead (ShardActor.Leases) and never see versions.
public sealed partial class ShardActor
{
    private long _writeCounter = Random.Shared.NextInt64(1L << 40, 1L << 62);
    // The version of every variable not written since this actor began (or since the last restore).
    private long _epoch = Random.Shared.NextInt64(1L << 40, 1L << 62);
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, Holder> _holders = [];

    private sealed class Holder
    {
        public readonly Dictionary<string, long> Held = new(StringComparer.Ordinal);
        public string[] LastRead = [];
    }

    private long VersionOf(string name) => _versions.TryGetValue(name, out long v) ? v : _epoch;

    private void Written(string name) => _versions[name] = ++_writeCounter;

    // A restore replaced every value: nothing held is current.
    private void AllWritten()
    {
        _versions.Clear();
        _epoch = ++_writeCounter;
    }

    // The reply for a reader on another node: values it holds at their current version go as versions only.
    private VariablesRead Versioned(IActorRef reader, ReadVariables command, VariablesRead read)
    {
        if (!_holders.TryGetValue(reader, out var holder))
        {
            _holders[reader] = holder = new Holder();
            Context.Watch(reader);
        }
        // A Fresh read names only what the reader lacked; its step's reads are the first answer's.
        if (!command.Fresh) holder.LastRead = command.Names;
        var values = read.Values; // this read's own array (ShardState.Read makes one per read)
        var versions = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null) continue;
            var name = command.Names[i];
            long version = versions[i] = VersionOf(name);
            if (!command.Fresh && holder.Held.TryGetValue(name, out long held) && held == version) values[i] = null;
            else holder.Held[name] = version;
        }
        return read with { Values = values, Lent = false, Versions = versions };
    }

    // After a reader's UpdatesApplied: the new values of what it read, where they changed since it got them.
    private void PushChanged(IActorRef reader)
    {
        if (!_holders.TryGetValue(reader, out var holder) || !_bulk.SerializesNow(reader)) return;
        var names = new List<string>();
        var versions = new List<long>();
        var values = new List<NDArray>();
        foreach (var name in holder.LastRead)
        {
            if (_state.ValueOf(name) is not { } live) continue;
            long version = VersionOf(name);
            if (holder.Held.TryGetValue(name, out long held) && held == version) continue;
            holder.Held[name] = version;
            names.Add(name);
            versions.Add(version);
            values.Add(live);
        }
        // Serialized before Tell returns (SerializesNow): the live arrays go out uncopied.
        if (names.Count > 0) _bulk.Tell(reader, new VariablesPushed([.. names], [.. versions], [.. values]), Self, snapshot: true);
    }

    // Applies a decided batch. A reader on another node that applies its own updates to the copies it holds
    // (ApplyUpdates.ReplayedOn) learns the versions they became instead of receiving the values: its copy of the
    // version this shard updated, updated by the same UpdateRules with the same operands, is the new value bit for
    // bit (elementwise IEEE arithmetic, no fused multiply-add: the same on every CPU). Half the bytes of a step
    // with remote shards, and the ps's CPU for serializing them.
    private void ApplyBatch(ApplyUpdates command, IReadOnlyList<IShardEvent> events, Action<int>? afterEach = null)
    {
        var replayer = command.ReplayedOn is not null && _holders.TryGetValue(Sender, out var holder) && _bulk.SerializesNow(Sender) ? holder : null;
        List<(string Name, long Base, long Version)>? replayed = null;
        for (int i = 0; i < events.Count; i++)
        {
            var applied = (UpdateApplied)events[i];
            var name = applied.Update.Variable;
            long before = VersionOf(name);
            ApplyUnshared(applied);
            afterEach?.Invoke(i);
            if (replayer is null || !ReplayedOnHeld(command.ReplayedOn!, i, applied.Update, before, replayer)) continue;
            long version = replayer.Held[name] = VersionOf(name);
            (replayed ??= []).Add((name, before, version));
        }
        if (replayed is not null)
            _bulk.Tell(Sender, new UpdatesReplayed([.. replayed.Select(r => r.Name)], [.. replayed.Select(r => r.Base)], [.. replayed.Select(r => r.Version)]), Self);
    }

    // The reader replayed update i on the version this shard applied it to, and holds that version.
    private static bool ReplayedOnHeld(long[] replayedOn, int i, WireUpdate update, long before, Holder holder) =>
        i < replayedOn.Length && replayedOn[i] == before && UpdateKinds.Of(update.Kind).Replayable
        && holder.Held.TryGetValue(update.Variable, out long held) && held == before;

    private void ForgetHolder(IActorRef reader) => _holders.Remove(reader);
}
