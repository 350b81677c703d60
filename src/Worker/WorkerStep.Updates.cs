using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.Training;

namespace ActorGraph.Worker;

// Kernels reach variables through the step: reads come prefetched, writes are batched per shard and sent once
// every stage has run; this worker's own updates are replayed on its held copies after that.
internal sealed partial class WorkerStep : IVariableAccess
{
    private NDArray?[] _values = [];
    // The version of each value read from a shard on another node (a held copy), 0 for others.
    private long[] _readVersions = [];
    private List<WireUpdate>?[] _updates = [];
    private int[]?[] _wanted = [];
    private List<NDArray>?[] _provisional = [];
    // By shard: the index (into _values) of each update's variable, in the order of _updates.
    private List<int>?[] _updatedIndices = [];
    private Dictionary<Operation, int> _currentVariables = null!;

    // By variable: the value after this step's own latest update of it, where the step keeps update outputs (a
    // loop's body, an update whose output is used), so that a read ordered after the write in this worker sees it.
    private NDArray?[]? _written;

    public NDArray Read(Operation variable)
    {
        int i = _currentVariables[variable];
        return _written?[i] ?? _currentLate?[i] ?? _values[i] ?? throw Errors.Uninitialized(variable);
    }

    public bool IsInitialized(Operation variable) =>
        _currentVariables.TryGetValue(variable, out int i) && (_values[i] is not null || _written?[i] is not null || _currentLate?[i] is not null);

    // Deferred to the end of the step; the shard's answer replaces the value where it is fetched.
    public NDArray Update(VariableUpdate update)
    {
        var program = Program!;
        int index = _currentVariables[update.Variable];
        int shard = program.Registration.VariableShards[index];
        var operands = update.Operands;
        var slots = update.Slots.Length == 0 ? [] : Array.ConvertAll(update.Slots, s => s.Name);
        var hash = update.HashSlots is { } hashSlots ? new HashTables.HashUpdate(HashTables.HashTableSpec.Of(update.Variable), hashSlots) : null;
        (_updates[shard] ??= []).Add(new WireUpdate(update.Kind, update.Variable.Name, slots, operands, hash, update.Generator));
        (_updatedIndices[shard] ??= []).Add(index);
        // A generated Assign (no operands: its shard draws the value) has no output, and its step keeps none.
        if (update.Generator is not null) return NDArray.Zeros(update.Variable.Outputs[0].DType, Shape.Scalar);
        if (!program.Registration.KeepsUpdateOutputs) return operands[0];
        var provisional = Provisional(update, _written?[index] ?? _currentLate?[index] ?? _values[index]);
        (_provisional[shard] ??= []).Add(provisional);
        if (_written is not null) _written[index] = provisional;
        return provisional;
    }

    // What the update's output looks like inside this step: exact for Assign*, given the value read
    // at the start of the step; a distinct array either way, so a fetch of it can be told apart.
    private static NDArray Provisional(VariableUpdate update, NDArray? current)
    {
        if (update.Kind == UpdateKind.Assign) return update.Operands[0].Copy();
        if (current is not null && update.Kind is UpdateKind.AssignAdd or UpdateKind.AssignSub)
            return UpdateRules.Apply(update.Kind, update.Variable.Name, current.Copy(), [], update.Operands);
        return (current ?? update.Operands[^1]).Copy();
    }

    // One ApplyUpdates per shard this step updates, and ReleaseReads to the other shards that lent it reads: every
    // stage has run, so the lent reads are no longer used (ApplyUpdates releases them too). The replays wait for
    // Advance, once these are sent.
    private void SendUpdates()
    {
        _updatesSent = true;
        var program = Program!;
        var wanted = new int[]?[program.Shards.Length];
        for (int shard = 0; shard < program.Shards.Length; shard++)
            if (_updates[shard] is { Count: > 0 }) wanted[shard] = WantedFrom(shard);
        string? ackTo = ShardsMayAnswerTracker(wanted) ? _around.FullPath(_replyTo) : null;
        var routing = UpdateRouting.Of(_replicas, _weight, ackTo, ackTo is null ? null : _answerTo);
        var replayedOn = new long[]?[program.Shards.Length];
        for (int shard = 0; shard < program.Shards.Length; shard++)
            if (_updates[shard] is { Count: > 0 } updates)
            {
                replayedOn[shard] = ReplayBases(shard);
                _outbox.Send(program.Shards[shard], new ApplyUpdates(StepId, updates.ToArray(), wanted[shard], routing, replayedOn[shard]));
                _updatesPending++;
            }
            else if (_lenders.Contains(program.Shards[shard])) _outbox.Send(program.Shards[shard], new ReleaseReads(StepId));
        _lenders.Clear();
        if (_updatesPending == 0) Succeed();
        else if (ackTo is not null) Answer(shardAcks: _updatesPending);
        _replaysDue = replayedOn;
    }

    // The way back to the client is one hop shorter when the shards tell the step's gatherer their updates are
    // applied, and this worker answers as soon as it sent them: for a step of one replica whose update outputs
    // nobody fetched, with every shard on another node (their UpdatesApplied still come here, and the step keeps
    // its kernels' buffers, the updates' operands, until they do). Not a replica of a data-parallel step (a share of
    // the batch, sync or async): its gatherer counts the updates in flight by the replicas' answers. With a client
    // on another node (RunPartition.AnswerTo) the shards tell it too, and the gatherer answers it without waiting
    // for them: then the way back is shorter even when the gatherer is in this process.
    private bool ShardsMayAnswerTracker(int[]?[] wanted)
    {
        if (IsReplica || (_answerTo is null && _around.IsInProcess(_replyTo))) return false;
        for (int shard = 0; shard < wanted.Length; shard++)
            if (wanted[shard] is { } w && (w.Length > 0 || !_around.SerializesNow(Program!.Shards[shard]))) return false;
        return true;
    }

    // ApplyUpdates.ReplayedOn for a shard: per update, the version of the held copy this worker applies it to
    // itself, 0 where it does not; null for none. Replayed: an update without optimizer slots (they live on the shard
    // alone) of a copy this step read, updated once in the batch, in a step of one replica (the shard applies the
    // replicas' average).
    private long[]? ReplayBases(int shard)
    {
        if (IsReplica || _updatedIndices[shard] is not { } indices) return null;
        var updates = _updates[shard]!;
        var bases = new long[indices.Count];
        bool any = false;
        for (int u = 0; u < bases.Length; u++)
        {
            int index = indices[u];
            if (!UpdateKinds.Of(updates[u].Kind).Replayable || updates[u].Generator is not null || indices.IndexOf(index) != indices.LastIndexOf(index)) continue;
            bases[u] = _readVersions[index];
            any |= bases[u] != 0;
        }
        return any ? bases : null;
    }

    // After the answer, off the step's way back: this worker's updates applied to its held copies, as the shards
    // apply them (CopyHolders), so that the new values need not cross back. The operands are still the
    // step's kernel buffers (they stay until the shards' UpdatesApplied). The copy this step read is written in place
    // when nothing may still read it: held copies never leave a step uncopied (they are a variable's storage: see
    // HeldCopies.Keep), this step has run all its stages, no other step may run stages, no update of this step sends
    // the copy itself (an Assign of it, whose bytes may still be on their way), and a later read of the old version
    // misses it and asks for the value in full. Else the replay goes into a new array, which costs an MLP's 1 MB a step.
    private void Replay(long[]?[] replayedOn)
    {
        bool othersRunning = _around.OthersRunStages(this);
        for (int shard = 0; shard < replayedOn.Length; shard++)
        {
            if (replayedOn[shard] is not { } bases) continue;
            var shardRef = Program!.Shards[shard];
            var updates = _updates[shard]!;
            for (int u = 0; u < bases.Length; u++)
            {
                if (bases[u] == 0) continue;
                var name = updates[u].Variable;
                var read = _values[_updatedIndices[shard]![u]]!;
                bool inPlace = !othersRunning && !IsOperand(read) && _held.TryTake(shardRef, name, bases[u], read);
                try
                {
                    var into = inPlace ? read : read.Copy();
                    _held.Replayed(shardRef, name, bases[u], UpdateRules.Apply(updates[u].Kind, name, into, [], updates[u].Operands));
                }
                catch (ActorGraphException)
                {
                    // An update UpdateRules refuses (a shape or a dtype the variable does not have) is refused by the
                    // shard too, before it writes anything, and then nothing is confirmed.
                }
            }
        }
    }

    // Whether an update of this step sends this array (Assign(v, w) sends the w it read): its bytes may still be on
    // their way to the shard (IStableTensors), so nothing may write it before the shards' answers.
    private bool IsOperand(NDArray value)
    {
        foreach (var updates in _updates)
            foreach (var update in updates ?? [])
                if (Array.Exists(update.Operands, o => ReferenceEquals(o, value))) return true;
        return false;
    }

    // The shard's updates whose output was fetched: only their values need to come back (copies of whole variables).
    private int[] WantedFrom(int shard)
    {
        var provisional = _provisional[shard];
        if (provisional is null) return [];
        var wanted = new List<int>();
        for (int u = 0; u < provisional.Count; u++)
            if (_fetchValues.Exists(v => ReferenceEquals(v, provisional[u]))) wanted.Add(u);
        return _wanted[shard] = [.. wanted];
    }

    // The shard's values (one per WantedFrom index) stand in for the provisional ones wherever those were fetched.
    private void ResolveUpdateOutputs(List<NDArray>? provisional, int[]? wanted, NDArray[] applied)
    {
        if (provisional is null || wanted is null) return;
        for (int w = 0; w < wanted.Length && w < applied.Length; w++)
        {
            var value = provisional[wanted[w]];
            for (int f = 0; f < _fetchValues.Count; f++)
                if (ReferenceEquals(_fetchValues[f], value)) _fetchValues[f] = applied[w];
        }
    }
}
