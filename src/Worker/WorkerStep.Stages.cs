using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using Akka.Actor;

namespace ActorGraph.Worker;

// What arrives for the stages (reads, tensors), and the stages' runs with the tensors they send.
internal sealed partial class WorkerStep
{
    private const int LendAtLeastBytes = 4096;

    private readonly List<(CompiledPlan Plan, CompiledPlan.PlanInstance Instance)> _rented = [];

    private void Absorb(IActorRef shardRef, VariablesRead read)
    {
        var program = Program!;
        int shard = program.ShardIndexOf(shardRef);
        if (shard < 0) return;
        if (read.Request > 0)
        {
            AbsorbLate(shard, read);
            return;
        }
        // The answer to a Fresh read of what was missing from this shard's first answer.
        var indices = _refills is not null && _refills.Remove(shard, out var refill) ? refill : program.Registration.Reads[shard];
        List<int>? missing = null;
        for (int i = 0; i < indices.Length && i < read.Values.Length; i++)
        {
            var name = program.Registration.Variables[indices[i]];
            long version = read.Versions is { } versions && i < versions.Length ? versions[i] : 0;
            var value = read.Values[i];
            if (value is not null && version != 0) _held.Keep(shardRef, name, version, value);
            else if (value is null && version != 0 && (value = _held.Find(shardRef, name, version)) is null) (missing ??= []).Add(indices[i]);
            _values[indices[i]] = value;
            _readVersions[indices[i]] = version;
        }
        if (missing is null)
        {
            _readsPending--;
            return;
        }
        // The shard thinks this worker holds values it does not (it restarted): ask for them in full.
        (_refills ??= [])[shard] = [.. missing];
        var names = missing.Select(i => program.Registration.Variables[i]).ToArray();
        _outbox.Send(shardRef, new ReadVariables(StepId, names, Fresh: true));
    }

    private void Absorb(TensorsSent sent)
    {
        var targets = Program!.EdgeTargets;
        for (int i = 0; i < sent.Edges.Length; i++)
            if (targets.TryGetValue(sent.Edges[i], out var at)) Deliver(at.Stage, at.Slot, sent.Values[i]);
    }

    private void Deliver(int stage, int slot, NDArray? value)
    {
        _received[stage][slot] = value;
        _receivedCount[stage]++;
    }

    private bool StageReady(int s) => !_stageDone[s] && _receivedCount[s] == _received[s].Length && LateReadsIn(s);

    // The first ready stage from where the last pass stopped; -1 once a whole pass ran none.
    private int NextReadyStage()
    {
        while (true)
        {
            for (; _nextStage < _stageDone.Length; _nextStage++)
                if (StageReady(_nextStage))
                {
                    _ranInPass = true;
                    return _nextStage++;
                }
            _nextStage = 0;
            if (!_ranInPass) return -1;
            _ranInPass = false;
        }
    }

    // Runs on a plan instance the step keeps: its kernels' buffers are update operands until the shards applied them.
    // Sends stay kernel buffers: SendTensors lends the large ones to other workers.
    private void RunStage(int s)
    {
        var stage = Program!.Stages[s];
        var definition = stage.Definition;
        var fed = new KeyValuePair<Tensor, NDArray>[stage.Feeds.Length + stage.DataRecvCount];
        int n = 0;
        for (int i = 0; i < stage.Feeds.Length; i++) fed[n++] = new(stage.Feeds[i], _feeds[definition.Feeds[i].Slot]);
        for (int i = 0; i < stage.Recvs.Length; i++)
            if (stage.Recvs[i] is { } t) fed[n++] = new(t, _received[s][i] ?? throw MissingRecv(definition, i));
        var instance = stage.Plan.Rent();
        _rented.Add((stage.Plan, instance));
        var values = stage.Plan.Run(instance, fed, ContextFor(s), lendFrom: stage.SendFetchOffset);
        _stageDone[s] = true;
        _stagesRun++;
        for (int f = 0; f < definition.Fetches.Length; f++)
        {
            _fetchIndices.Add(definition.Fetches[f].Index);
            _fetchValues.Add(values[f]);
        }
        if (stage.AppliesUpdates && ApplyUpdatesNow()) _heldSends = (stage, values);
        else SendTensors(stage, values);
        LookUp(s, values);
    }

    private InternalException MissingRecv(PartitionStage stage, int i) =>
        new($"{_around.WorkerName}: edge {stage.Recvs[i].Edge} ('{stage.Recvs[i].Tensor}') arrived without a value.");

    // One TensorsSent per destination worker; a stage of this worker gets its values directly (they stay valid: the
    // step keeps its plan instances). A large kernel buffer is lent rather than given away, so the kernel writes it
    // again next step instead of allocating anew.
    private void SendTensors(StageProgram stage, NDArray?[] values)
    {
        var sends = stage.Definition.Sends;
        if (sends.Length == 0) return;
        var program = Program!;
        foreach (var group in Enumerable.Range(0, sends.Length).GroupBy(i => sends[i].Worker))
        {
            var target = program.Workers[group.Key];
            if (target.Equals(_around.Self))
            {
                foreach (int i in group)
                    if (program.EdgeTargets.TryGetValue(sends[i].Edge, out var at))
                        Deliver(at.Stage, at.Slot, values[stage.SendFetchOffset + i]);
                continue;
            }
            var edges = group.Select(i => sends[i].Edge).ToArray();
            // Lent only within this ActorSystem: to another node the tensors are serialized, later than now.
            bool lend = _around.IsInProcess(target);
            var sent = group.Select(i => lend ? Lend(values[stage.SendFetchOffset + i]) : values[stage.SendFetchOffset + i]?.ToKeep()).ToArray();
            _outbox.Send(target, new TensorsSent(StepId, program.PlanId, edges, sent));
        }
    }

    private NDArray? Lend(NDArray? value)
    {
        if (value?.Owner is not KernelBuffer) return value;
        if (value.Length * value.DType.SizeInBytes() >= LendAtLeastBytes) LentTensors = true;
        // Small: cheaper to allocate a new one next step than to wait for the step's end.
        else value.ToKeep();
        return value;
    }

    private StepContext ContextFor(int s)
    {
        _currentVariables = Program!.Stages[s].VariableIndex;
        _currentLate = s < _late.Length ? _late[s] : null;
        return new StepContext(this, _printed ?? TextWriter.Null, StepId, _around.Iterators) { IteratorShard = _iteratorShard };
    }
}
