using ActorGraph.ParameterServer;

namespace ActorGraph.Worker;

// The step's conversations with the shards between its start and its end, for reads ordered after writes that the
// shard applies (a write on another worker, an optimizer's step): a stage that writes what such a read follows sends
// its updates and holds its tensors until the shards applied them (PartitionStage.AppliesUpdates), and a stage with
// such reads asks the shards for them once its receives are in (PartitionStage.LateReads). Causality does the rest:
// the reader's request leaves after a tensor that left after the write was applied.
internal sealed partial class WorkerStep
{
    // By stage: the values its late reads got (indexed like _values), null until asked.
    private NDArray?[]?[] _late = [];
    private int[] _lateAwaited = [];
    // By (stage, shard): the variables (indices into _values) asked of that shard, in the order of the request.
    private Dictionary<(int Stage, int Shard), int[]>? _lateAsked;
    private NDArray?[]? _currentLate;

    private int _flushesPending;
    // By shard: the provisional outputs and wanted indices of the updates on their way mid-step.
    private (List<NDArray>? Provisional, int[] Wanted)?[] _inFlight = [];
    private (StageProgram Stage, NDArray?[] Values)? _heldSends;

    // A plain step (the seed's loop, a training step) allocates nothing here.
    private void StartMidStep(PartitionProgram program)
    {
        if (!program.TalksToShardsMidStep)
        {
            _late = [];
            _lateAwaited = [];
            _inFlight = [];
            return;
        }
        _late = new NDArray?[]?[program.Stages.Length];
        _lateAwaited = new int[program.Stages.Length];
        _inFlight = new (List<NDArray>?, int[])?[program.Shards.Length];
    }

    // True once the stage's late reads are in; the first call asks the shards for them.
    private bool LateReadsIn(int s)
    {
        var reads = Program!.Stages[s].LateReads;
        if (reads.Length == 0) return true;
        if (_late[s] is null) AskLate(s, reads);
        return _lateAwaited[s] == 0;
    }

    private void AskLate(int s, int[] reads)
    {
        var program = Program!;
        _late[s] = new NDArray?[_values.Length];
        foreach (var group in reads.GroupBy(i => program.Registration.VariableShards[i]))
        {
            int[] indices = [.. group];
            (_lateAsked ??= [])[(s, group.Key)] = indices;
            _lateAwaited[s]++;
            var names = Array.ConvertAll(indices, i => program.Registration.Variables[i]);
            // In full (Fresh): a held copy is of the step's start, and this read is about what came after.
            _outbox.Send(program.Shards[group.Key], new ReadVariables(StepId, names, Fresh: true, Request: s + 1));
        }
    }

    private void AbsorbLate(int shard, VariablesRead read)
    {
        int s = read.Request - 1;
        if (_lateAsked is null || !_lateAsked.Remove((s, shard), out var indices)) return;
        var late = _late[s]!;
        for (int i = 0; i < indices.Length && i < read.Values.Length; i++)
        {
            late[indices[i]] = read.Values[i];
            // The shard's value has this worker's writes that went before it (ApplyUpdatesNow). A write still unsent
            // is ordered after the other workers' writes the shard applied (else its stage had sent it): it stays.
            if (_written is not null && !Unsent(shard, indices[i])) _written[indices[i]] = null;
        }
        _lateAwaited[s]--;
    }

    private bool Unsent(int shard, int index) => _updatedIndices[shard]?.Contains(index) == true;

    // After a stage that AppliesUpdates: the updates so far go to their shards now, and the stage's tensors wait for
    // the answers. False when there is nothing to send. An asynchronous replica's updates apply on arrival, as at the
    // step's end; a synchronous replica's are averaged with the others' once, at the step's end, and the coordinator
    // refuses a data-parallel plan that would need them sooner (SynchronousReplicaOrder).
    private bool ApplyUpdatesNow()
    {
        if (_replicas > 1)
            throw new InternalException($"{_around.WorkerName}: a synchronous replica of step {StepId} was asked to apply its updates mid-step.");
        var program = Program!;
        for (int shard = 0; shard < program.Shards.Length; shard++)
        {
            if (_updates[shard] is not { Count: > 0 } updates) continue;
            var wanted = WantedFrom(shard);
            _inFlight[shard] = (_provisional[shard], wanted);
            _outbox.Send(program.Shards[shard], new ApplyUpdates(StepId, updates.ToArray(), wanted, MidStep: true));
            _updates[shard] = null;
            _provisional[shard] = null;
            _updatedIndices[shard] = null;
            _wanted[shard] = null;
            _flushesPending++;
        }
        return _flushesPending > 0;
    }

    // One shard's answer to ApplyUpdatesNow; the last one lets the held tensors go.
    private void OnAppliedMidStep(int shard, NDArray[] values)
    {
        if ((uint)shard < (uint)_inFlight.Length && _inFlight[shard] is { } inFlight)
        {
            _inFlight[shard] = null;
            ResolveUpdateOutputs(inFlight.Provisional, inFlight.Wanted, values);
        }
        if (--_flushesPending > 0 || _heldSends is not { } held) return;
        _heldSends = null;
        SendTensors(held.Stage, held.Values);
    }
}
