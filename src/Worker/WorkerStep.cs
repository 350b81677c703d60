using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.Training;
using Akka.Actor;

namespace ActorGraph.Worker;

// One step on this worker: what has arrived (feeds, reads, receives), what has run, and the
// updates to send at the end. Kernels reach variables through it (prefetched reads, batched writes).
internal sealed class WorkerStep(long stepId) : IVariableAccess
{
    public long StepId { get; } = stepId;
    public PartitionProgram? Program { get; private set; }
    public IActorRef ReplyTo { get; private set; } = ActorRefs.Nobody;
    public NDArray[] Feeds { get; private set; } = [];
    public int Replicas { get; private set; }
    public double Weight { get; private set; } = 1;
    // One replica of a data-parallel step (a share of the batch, sync or async): the shard, not this worker, decides
    // what its updates become.
    public bool IsReplica => Replicas > 1 || Weight != 1;
    public string? AnswerTo { get; private set; }

    // Messages that came before RunPartition, replayed once the program is known.
    public List<(IActorRef Shard, VariablesRead Read)> EarlyReads { get; } = [];
    public List<TensorsSent> EarlyTensors { get; } = [];

    // Shards whose reads of this step are lent arrays, to be released when the step is done with them.
    public List<IActorRef> Lenders { get; } = [];

    public NDArray?[] Values { get; private set; } = [];
    // The version of each value read from a shard on another node (a held copy), 0 for others.
    public long[] ReadVersions { get; private set; } = [];
    public int ReadsPending { get; set; }
    // By shard: the variables asked for again (ReadVariables.Fresh) because this worker lacked the held copies named.
    public Dictionary<int, int[]> Refills { get; } = [];
    public NDArray?[][] Received { get; private set; } = [];
    public int[] ReceivedCount { get; private set; } = [];
    public bool[] StageDone { get; private set; } = [];
    public int UpdatesPending { get; set; }
    // PartitionSucceeded went out before the shards' UpdatesApplied came back (they tell the gatherer too).
    public bool Answered { get; set; }
    public StringWriter? Printed { get; private set; }
    public List<int> FetchIndices { get; } = [];
    public List<NDArray?> FetchValues { get; } = [];

    private List<WireUpdate>?[] _updates = [];
    private int[]?[] _wanted = [];
    private readonly List<(CompiledPlan Plan, CompiledPlan.PlanInstance Instance)> _rented = [];
    private List<NDArray>?[] _provisional = [];
    // By shard: the index (into Values) of each update's variable, in the order of UpdatesFor.
    private List<int>?[] _updatedIndices = [];
    private Dictionary<Operation, int> _currentVariables = null!;

    public void Start(PartitionProgram program, RunPartition run, IActorRef replyTo)
    {
        Program = program;
        ReplyTo = replyTo;
        Feeds = run.Feeds;
        Replicas = run.Replicas;
        Weight = run.Weight;
        AnswerTo = run.AnswerTo;
        Values = new NDArray?[program.Registration.Variables.Length];
        ReadVersions = new long[Values.Length];
        ReadsPending = program.ReadShardCount;
        int stages = program.Stages.Length;
        Received = new NDArray?[stages][];
        ReceivedCount = new int[stages];
        for (int s = 0; s < stages; s++) Received[s] = new NDArray?[program.Stages[s].Recvs.Length];
        StageDone = new bool[stages];
        _updates = new List<WireUpdate>?[program.Shards.Length];
        _provisional = new List<NDArray>?[program.Shards.Length];
        _updatedIndices = new List<int>?[program.Shards.Length];
        _wanted = new int[]?[program.Shards.Length];
        if (program.HasPrint) Printed = new StringWriter();
    }

    // Runs a stage on a plan instance the step keeps: its kernels' buffers are update operands until the shards applied them.
    // Sends stay kernel buffers: SendTensors lends the large ones to other workers.
    public NDArray?[] Run(StageProgram stage, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        var instance = stage.Plan.Rent();
        _rented.Add((stage.Plan, instance));
        return stage.Plan.Run(instance, fed, ContextFor(stage), lendFrom: stage.SendFetchOffset);
    }

    // Other workers hold buffers of this step's kernels until the coordinator's EndStep.
    public bool LentTensors { get; set; }

    // The step is over: its plan instances serve later steps, unless a shard may still read their buffers.
    public void Finish()
    {
        if (UpdatesPending == 0)
            foreach (var (plan, instance) in _rented) plan.Return(instance);
        _rented.Clear();
    }

    public bool StageReady(int s) => !StageDone[s] && ReceivedCount[s] == Received[s].Length;

    private StepContext ContextFor(StageProgram stage)
    {
        _currentVariables = stage.VariableIndex;
        return new StepContext(this, Printed ?? TextWriter.Null, StepId);
    }

    public List<WireUpdate>? UpdatesFor(int shard) => _updates[shard];

    public NDArray Read(Operation variable) => Values[_currentVariables[variable]] ?? throw Errors.Uninitialized(variable);

    public bool IsInitialized(Operation variable) =>
        _currentVariables.TryGetValue(variable, out int i) && Values[i] is not null;

    // Deferred to the end of the step; the shard's answer replaces the value where it is fetched.
    public NDArray Update(VariableUpdate update)
    {
        var program = Program!;
        int index = _currentVariables[update.Variable];
        int shard = program.Registration.VariableShards[index];
        var operands = update.Operands;
        var slots = update.Slots.Length == 0 ? [] : Array.ConvertAll(update.Slots, s => s.Name);
        (_updates[shard] ??= []).Add(new WireUpdate(update.Kind, update.Variable.Name, slots, operands));
        (_updatedIndices[shard] ??= []).Add(index);
        if (!program.Registration.KeepsUpdateOutputs) return operands[0];
        var provisional = Provisional(update, Values[index]);
        (_provisional[shard] ??= []).Add(provisional);
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

    // ApplyUpdates.ReplayedOn for a shard: per update, the version of the held copy this worker applies it to
    // itself, 0 where it does not; null for none. Replayed: an update without optimizer slots (they live on the shard
    // alone) of a copy this step read, updated once in the batch, in a step of one replica (the shard applies the
    // replicas' average).
    public long[]? ReplayBases(int shard)
    {
        if (IsReplica || _updatedIndices[shard] is not { } indices) return null;
        var updates = _updates[shard]!;
        var bases = new long[indices.Count];
        bool any = false;
        for (int u = 0; u < bases.Length; u++)
        {
            int index = indices[u];
            if (!UpdateKinds.Of(updates[u].Kind).Replayable || indices.IndexOf(index) != indices.LastIndexOf(index)) continue;
            bases[u] = ReadVersions[index];
            any |= bases[u] != 0;
        }
        return any ? bases : null;
    }

    // Whether an update of this step sends this array (Assign(v, w) sends the w it read): its bytes may still be on
    // their way to the shard (IStableTensors), so nothing may write it before the shards' answers.
    public bool IsOperand(NDArray value)
    {
        foreach (var updates in _updates)
            foreach (var update in updates ?? [])
                if (Array.Exists(update.Operands, o => ReferenceEquals(o, value))) return true;
        return false;
    }

    // The value this step read of update u's variable.
    public NDArray ReadBy(int shard, int u) => Values[_updatedIndices[shard]![u]]!;

    // The value of update u's variable after it, written into `into`: the value this step read (ReadBy) or a copy of it.
    public NDArray Replay(int shard, int u, NDArray into)
    {
        var update = _updates[shard]![u];
        return UpdateRules.Apply(update.Kind, update.Variable, into, [], update.Operands);
    }

    // The shard's updates whose output was fetched: only their values need to come back (copies of whole variables).
    public int[] WantedFrom(int shard)
    {
        var provisional = _provisional[shard];
        if (provisional is null) return [];
        var wanted = new List<int>();
        for (int u = 0; u < provisional.Count; u++)
            if (FetchValues.Exists(v => ReferenceEquals(v, provisional[u]))) wanted.Add(u);
        return _wanted[shard] = [.. wanted];
    }

    // The shard's values (one per WantedFrom index) stand in for the provisional ones wherever those were fetched.
    public void ResolveUpdateOutputs(int shard, NDArray[] applied)
    {
        if (_provisional[shard] is not { } provisional || _wanted[shard] is not { } wanted) return;
        for (int w = 0; w < wanted.Length && w < applied.Length; w++)
        {
            var value = provisional[wanted[w]];
            for (int f = 0; f < FetchValues.Count; f++)
                if (ReferenceEquals(FetchValues[f], value)) FetchValues[f] = applied[w];
        }
    }
}
