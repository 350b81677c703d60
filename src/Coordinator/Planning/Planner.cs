using System.Runtime.CompilerServices;
using ActorGraph.Execution;
using ActorGraph.Ops;
using ActorGraph.Wire;
using ActorGraph.Worker;

namespace ActorGraph.Coordinator;

// Turns (fetches, feeds) into a StepPlan over the coordinator's copy of the graph: prune (the
// executor's own plan, so the same ops run and the same errors come out), place, cut into
// stages per worker with a _Send/_Recv pair on every edge between stages, and write each
// worker's registration.
internal sealed class Planner
{
    private readonly Dictionary<(int Task, int Stage), PartitionUnit> _units = [];
    private readonly Dictionary<(string Key, PartitionUnit To), int> _edges = [];
    private readonly List<(string Name, string Device)> _endpoints = [];
    private readonly Dictionary<int, HashSet<Operation>> _reads = [];
    private readonly HashSet<int> _keepsUpdateOutputs = [];
    // (reader, variable): reads the shard serves mid-step, after the writes they are ordered after.
    private readonly HashSet<(Operation Reader, Operation Variable)> _lateReads = [];
    private HashSet<Operation> _shardLookups = [];
    private Placement _placement = null!;

    public static StepPlan Build(long planId, Graph graph, string[] fetchNames, string[] feedNames, VariablePlacement variables,
        IReadOnlyList<int> liveTasks, string[] workerPaths, string[] shardPaths, bool requireFeeds) =>
        new Planner().Plan(planId, graph, fetchNames, feedNames, variables, liveTasks, workerPaths, shardPaths, requireFeeds);

    // "name:0" is a tensor, "^name" an operation run for its effect.
    public static Fetch Resolve(Graph graph, string fetch) =>
        fetch.StartsWith('^') ? new Fetch(graph.GetOperation(fetch[1..])) : new Fetch(graph.GetTensor(fetch));

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepPlan Plan(long planId, Graph graph, string[] fetchNames, string[] feedNames, VariablePlacement variables,
        IReadOnlyList<int> liveTasks, string[] workerPaths, string[] shardPaths, bool requireFeeds)
    {
        var fetches = Array.ConvertAll(fetchNames, f => Resolve(graph, f));
        var fedTensors = Array.ConvertAll(feedNames, graph.GetTensor);
        var fed = new HashSet<Tensor>(fedTensors, ReferenceEqualityComparer<Tensor>.Instance);
        var roots = fetches.Where(f => f.Tensor is null || !fed.Contains(f.Tensor)).Select(f => f.Operation).Distinct().ToArray();
        var full = new CompiledPlan(fetches.Select(f => f.Tensor).ToArray(), roots, fed);
        if (requireFeeds && full.MissingFeedError() is { } missing) return Refused(planId, fetches.Length, missing);
        var order = full.Operations;
        if (order.Count > 0 && liveTasks.Count == 0)
            return Refused(planId, fetches.Length, new UnavailableException("No worker is left to run the step: every worker of the session has stopped."));
        var fetchedVariables = new HashSet<Operation>(roots.Where(op => op.Def.IsVariable), ReferenceEqualityComparer<Operation>.Instance);
        var inStepOrder = InStepOrder.Of(order);
        _shardLookups = ShardLookups.Find(order, inStepOrder);
        // A lookup's rows come back from the shard: its consumers run in a later stage, as after a value from a worker.
        var barriers = _shardLookups.Count == 0 ? inStepOrder.ShardAppliedWrites
            : new HashSet<Operation>(inStepOrder.ShardAppliedWrites.Concat(_shardLookups), ReferenceEqualityComparer<Operation>.Instance);
        _placement = Placement.Compute(order, fed, fetchedVariables, variables, liveTasks, barriers);
        if (_placement.Error is { } error) return Refused(planId, fetches.Length, new InvalidArgumentException(error));
        // Rows come back to the worker that asked: a Gather used on another worker runs as any op.
        if (_shardLookups.Count > 0)
            foreach (var op in order)
                foreach (var input in op.InputArray)
                    if (_shardLookups.Contains(input.Op) && (!_placement.TryGetTask(op, out int task) || task != _placement.TaskOf(input.Op)))
                        _shardLookups.Remove(input.Op);

        foreach (var op in order)
            if (_placement.TryGetTask(op, out _))
            {
                var unit = UnitOf(op);
                unit.Members.Add(op);
                if (op.Def.IsVariable) Read(unit, op);
                else if (!_shardLookups.Contains(op)) unit.Ops.Add(op);
            }
        foreach (var group in _units.Values.GroupBy(u => u.Task))
        {
            int index = 0;
            foreach (var unit in group.OrderBy(u => u.Stage)) unit.Index = index++;
        }
        var feedIndex = new Dictionary<Tensor, int>(ReferenceEqualityComparer<Tensor>.Instance);
        for (int i = 0; i < fedTensors.Length; i++) feedIndex[fedTensors[i]] = i;
        var onPath = new HashSet<Operation>(order, ReferenceEqualityComparer<Operation>.Instance);
        var consumed = new HashSet<Tensor>(order.Count, ReferenceEqualityComparer<Tensor>.Instance);
        foreach (var op in order)
            for (int i = op.Def.RefInputs; i < op.InputArray.Length; i++) consumed.Add(op.InputArray[i]);
        foreach (var f in fetches)
            if (f.Tensor is { } t) consumed.Add(t);

        ServeOrderedReads(inStepOrder, consumed);
        foreach (var gather in _shardLookups) LookUp(gather, fed, feedIndex, onPath);
        foreach (var unit in _units.Values.ToArray())
            foreach (var op in unit.Ops)
                Connect(unit, op, fed, feedIndex, onPath, consumed);
        for (int i = 0; i < fetches.Length; i++)
            if (fetches[i].Tensor is { } t && !fed.Contains(t))
            {
                var unit = UnitOf(t.Op);
                if (_shardLookups.Contains(t.Op))
                {
                    unit.Lookups.Single(l => l.Gather == t.Op).Fetches.Add(i);
                    continue;
                }
                unit.FetchTensors.Add(t.Name);
                unit.FetchIndices.Add(i);
            }

        var shares = liveTasks.Where(t => _units.Keys.Any(k => k.Task == t))
            .Select(t => Share(planId, t, variables, workerPaths, shardPaths)).ToArray();
        var operations = order.Select(o => o.Name).Concat(_endpoints.Select(e => e.Name)).ToArray();
        var devices = new Dictionary<string, string>(_placement.Devices, StringComparer.Ordinal);
        foreach (var (name, device) in _endpoints) devices[name] = device;
        return new StepPlan { Id = planId, FetchCount = fetches.Length, Operations = operations, Placement = devices, Shares = shares };
    }

    private static StepPlan Refused(long planId, int fetchCount, ActorGraphException error) =>
        new() { Id = planId, FetchCount = fetchCount, Error = error };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private PartitionUnit UnitOf(Operation op)
    {
        var key = (_placement.TaskOf(op), _placement.StageOf(op));
        if (!_units.TryGetValue(key, out var unit)) _units[key] = unit = new PartitionUnit(key.Item1, key.Item2);
        return unit;
    }

    private void Read(PartitionUnit unit, Operation variable)
    {
        unit.Use(variable);
        if (!_reads.TryGetValue(unit.Task, out var set)) _reads[unit.Task] = set = new(ReferenceEqualityComparer<Operation>.Instance);
        set.Add(variable);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Connect(PartitionUnit unit, Operation op, HashSet<Tensor> fed, Dictionary<Tensor, int> feedIndex,
        HashSet<Operation> onPath, HashSet<Tensor> consumed)
    {
        var inputs = op.InputArray;
        for (int i = 0; i < op.Def.RefInputs; i++)
        {
            unit.Use(op.RefInput(i));
            // An AssignAdd ordered after another worker's write of its variable adds to the shard's value after it.
            if (_lateReads.Contains((op, op.RefInput(i)))) ReadLate(unit, op.RefInput(i));
        }
        if (op.Def.Traits.HasFlag(OpTraits.WritesVariable) && op.Outputs.Any(consumed.Contains))
        {
            // Its output is used within the step: read the variable so the worker can work it out.
            _keepsUpdateOutputs.Add(unit.Task);
            Read(unit, op.RefInput(0));
        }
        UseBodyVariables(unit, op);
        for (int i = op.Def.RefInputs; i < inputs.Length; i++)
        {
            var t = inputs[i];
            if (fed.Contains(t)) Feed(unit, t, feedIndex[t], onPath);
            else if (t.Op.Def.IsVariable && _lateReads.Contains((op, t.Op))) ReadLate(unit, t.Op);
            else if (t.Op.Def.IsVariable) Read(unit, t.Op);
            else if (!unit.Members.Contains(t.Op)) Edge(t.Name, t, t.Op, UnitOf(t.Op), unit);
        }
        foreach (var c in op.ControlInputArray)
        {
            if (unit.Members.Contains(c)) continue;
            // A variable has nothing to wait for, and a fed placeholder is satisfied by its feed.
            if (c.Def.IsVariable || Pruning.IsFedPlaceholder(c, fed)) unit.Local["^" + c.Name] = "";
            else Edge("^" + c.Name, null, c, UnitOf(c), unit);
        }
    }

    // A read ordered after a write of its variable sees the write. A write of the reader's own worker that the worker
    // works out by itself (an Assign, an AssignAdd) is kept readable there (WorkerStep.Read): no message. Otherwise the
    // write's stage applies its updates before its tensors leave (PartitionStage.AppliesUpdates), and the reader's stage
    // asks the shard for the variable once its inputs are in (PartitionStage.LateReads), so the write is applied by
    // then. Two writes of a variable on two workers, one ordered after the other, reach the shard in that order: the
    // earlier one's stage applies its updates before its tensors leave. A step without such an order keeps the seed's
    // fast path.
    private void ServeOrderedReads(InStepOrder inStepOrder, HashSet<Tensor> consumed)
    {
        foreach (var (earlier, later, _) in inStepOrder.Writes)
            if (_placement.TryGetTask(earlier, out int earlierTask) && _placement.TryGetTask(later, out int laterTask) && earlierTask != laterTask)
                UnitOf(earlier).AppliesUpdates = true;
        var readAfter = new HashSet<Operation>(inStepOrder.Reads.Select(r => r.Write), ReferenceEqualityComparer<Operation>.Instance);
        foreach (var (write, reader, variable) in inStepOrder.Reads)
        {
            if (!_placement.TryGetTask(reader, out int readerTask) || !_placement.TryGetTask(write, out int writerTask)) continue;
            // A later AssignAdd whose value nothing in the step uses needs only to reach the shard in order (above).
            if (reader.Def.Traits.HasFlag(OpTraits.WritesVariable) && !readAfter.Contains(reader) && !reader.Outputs.Any(consumed.Contains)) continue;
            if (readerTask == writerTask && InStepOrder.ComputedByWorker(write))
            {
                // A later AssignAdd of this worker adds to what it keeps of the earlier write (WorkerStep.Update).
                if (reader.Def.Traits.HasFlag(OpTraits.WritesVariable)) continue;
                _keepsUpdateOutputs.Add(readerTask);
                Read(UnitOf(reader), variable);
                continue;
            }
            _lateReads.Add((reader, variable));
            UnitOf(write).AppliesUpdates = true;
        }
    }

    private static void ReadLate(PartitionUnit unit, Operation variable)
    {
        unit.Use(variable);
        if (!unit.LateReads.Contains(variable)) unit.LateReads.Add(variable);
    }

    // The variables a Cond's or WhileLoop's functions read or write are the worker's to serve like any other;
    // an update's output may be used inside, so the worker keeps update outputs and reads what it updates.
    private void UseBodyVariables(PartitionUnit unit, Operation op)
    {
        foreach (var inner in ControlFlowOps.BodyOps(op))
        {
            var innerInputs = inner.InputArray;
            for (int i = 0; i < innerInputs.Length; i++)
            {
                var variable = innerInputs[i].Op;
                if (!variable.Def.IsVariable) continue;
                // Ordered after a write on another worker, or one the shard applies: read once the loop's inputs are in.
                if (_lateReads.Contains((op, variable))) ReadLate(unit, variable);
                else Read(unit, variable);
            }
            if (inner.Def.Traits.HasFlag(OpTraits.WritesVariable)) _keepsUpdateOutputs.Add(unit.Task);
        }
    }

    // An op with no inputs whose output is fed is kept as it is (a Placeholder); any other fed
    // tensor arrives through a _Feed endpoint, a fed iterator's GetNext too (it would carry its dataset).
    private void Feed(PartitionUnit unit, Tensor t, int clientIndex, HashSet<Operation> onPath)
    {
        if (unit.Local.ContainsKey(t.Name)) return;
        var source = t.Op;
        string local;
        if (source.InputArray.Length == 0 && source.ControlInputArray.Length == 0 && !onPath.Contains(source) && !source.Def.IsStateful)
        {
            unit.Endpoints.Add(OperationDef.From(source));
            local = t.Name;
        }
        else
        {
            string name = $"_Feed/{source.Name}_{t.ValueIndex}";
            unit.Endpoints.Add(Endpoint(name, t.DType, t.Shape));
            _endpoints.Add((name, Placement.WorkerDevice(unit.Task)));
            local = name + ":0";
        }
        unit.Local[t.Name] = local;
        unit.FeedTensors.Add(local);
        unit.FeedClientIndices.Add(clientIndex);
    }

    // A Gather the shard serves: its stage sends the ids to the table's shard, whose rows arrive on the edges to the
    // stages that use them (Edge). The table is used, not read.
    private void LookUp(Operation gather, HashSet<Tensor> fed, Dictionary<Tensor, int> feedIndex, HashSet<Operation> onPath)
    {
        var unit = UnitOf(gather);
        var table = gather.InputArray[0].Op;
        var ids = gather.InputArray[1];
        unit.Use(table);
        if (fed.Contains(ids)) Feed(unit, ids, feedIndex[ids], onPath);
        else if (ids.Op.Def.IsVariable) Read(unit, ids.Op);
        else if (!unit.Members.Contains(ids.Op)) Edge(ids.Name, ids, ids.Op, UnitOf(ids.Op), unit);
        unit.Lookups.Add((gather, unit.Local.GetValueOrDefault(ids.Name, ids.Name), table.Name, [], []));
    }

    // A _Send in the producing stage and a _Recv in the consuming one; tensor null = a control edge. From a Gather the
    // shard serves, the rows come from the shard: the edge joins the lookup instead of a _Send.
    private void Edge(string key, Tensor? t, Operation source, PartitionUnit from, PartitionUnit to)
    {
        if (_edges.ContainsKey((key, to))) return;
        int id = _edges.Count;
        _edges[(key, to)] = id;
        string tag = t is null ? source.Name + "/ctl" : $"{source.Name}_{t.ValueIndex}";
        string recv = $"_Recv/{tag}/{to.Label}", send = $"_Send/{tag}/{to.Label}";
        to.Endpoints.Add(Endpoint(recv, t?.DType ?? DType.Bool, t?.Shape ?? Shape.Scalar));
        to.RecvTensors.Add(t is null ? "" : recv + ":0");
        to.RecvEdges.Add(id);
        to.Local[key] = t is null ? recv : recv + ":0";
        if (_shardLookups.Contains(source))
        {
            from.Lookups.Single(l => l.Gather == source).Edges.Add(id);
            _endpoints.Add((recv, Placement.WorkerDevice(to.Task)));
            return;
        }
        from.Sends.Add(new OperationDef(send, "_Send", t is null ? [] : [t.Name], t is null ? [source.Name] : [], "", []));
        from.SendTensors.Add(t?.Name ?? "");
        from.SendEdges.Add(id);
        from.SendTasks.Add(to.Task);
        _endpoints.Add((send, Placement.WorkerDevice(from.Task)));
        _endpoints.Add((recv, Placement.WorkerDevice(to.Task)));
    }

    private static OperationDef Endpoint(string name, DType dtype, Shape shape) =>
        new(name, "_Recv", [], [], "", [AttrDef.Of("dtype", dtype), AttrDef.Of("shape", shape)]);

    private WorkerShare Share(long planId, int task, VariablePlacement variables, string[] workerPaths, string[] shardPaths)
    {
        var units = _units.Values.Where(u => u.Task == task).OrderBy(u => u.Stage).ToArray();
        var used = units.SelectMany(u => u.Variables).Distinct().OrderBy(v => v.Id).ToArray();
        var shards = Array.ConvertAll(used, variables.ShardOf);
        var read = _reads.GetValueOrDefault(task);
        var reads = new int[variables.Shards][];
        var batches = new List<ReadBatch>();
        for (int s = 0; s < reads.Length; s++)
        {
            reads[s] = Enumerable.Range(0, used.Length).Where(i => shards[i] == s && read?.Contains(used[i]) == true).ToArray();
            if (reads[s].Length > 0) batches.Add(new ReadBatch(s, reads[s].Select(i => used[i].Name).ToArray()));
        }
        var feedIndices = units.SelectMany(u => u.FeedClientIndices).Distinct().ToArray();
        var stages = units.Select(u => u.ToStage(ci => Array.IndexOf(feedIndices, ci), t => t)).ToArray();
        var registration = new RegisterPartition(planId, stages, used.Select(v => v.Name).ToArray(), shards, reads,
            shardPaths, workerPaths, feedIndices.Length, _keepsUpdateOutputs.Contains(task), task);
        return new WorkerShare { Task = task, Registration = registration, FeedIndices = feedIndices, Reads = batches.ToArray() };
    }
}
