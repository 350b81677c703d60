using ActorGraph.Execution;
using Akka.Actor;

namespace ActorGraph.Worker;

// A registered partition, compiled once: each stage's graph re-created from its definitions and
// its CompiledPlan over feeds + receives → client fetches + sends.
internal sealed class PartitionProgram
{
    public PartitionProgram(RegisterPartition registration, Func<string, IActorRef> resolve)
    {
        Registration = registration;
        Shards = Array.ConvertAll(registration.ShardPaths, p => resolve(p));
        Workers = Array.ConvertAll(registration.WorkerPaths, p => resolve(p));
        Stages = new StageProgram[registration.Stages.Length];
        var variableIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < registration.Variables.Length; i++) variableIndex[registration.Variables[i]] = i;
        LookupBase = new int[Stages.Length];
        for (int s = 0; s < Stages.Length; s++)
        {
            Stages[s] = new StageProgram(registration.Stages[s], variableIndex, registration.KeepsUpdateOutputs);
            LookupBase[s] = Lookups.Count;
            for (int r = 0; r < registration.Stages[s].Recvs.Length; r++)
                EdgeTargets[registration.Stages[s].Recvs[r].Edge] = (s, r);
            HasPrint |= Stages[s].HasPrint;
            TalksToShardsMidStep |= Stages[s].LateReads.Length > 0 || Stages[s].AppliesUpdates;
            foreach (var lookup in registration.Stages[s].Lookups ?? [])
                Lookups.Add((lookup, registration.VariableShards[variableIndex[lookup.Table]]));
        }
        ReadShardCount = registration.Reads.Count(r => r.Length > 0);
    }

    public RegisterPartition Registration { get; }
    public long PlanId => Registration.PlanId;
    public StageProgram[] Stages { get; }
    public IActorRef[] Shards { get; }
    public IActorRef[] Workers { get; }
    public Dictionary<int, (int Stage, int Slot)> EdgeTargets { get; } = [];
    public int ReadShardCount { get; }
    // Some stage reads late or sends its updates before the step's end (WorkerStep.MidStep): only then does a step
    // need the bookkeeping for it.
    public bool TalksToShardsMidStep { get; }
    // Every stage's lookups in stage order, with the shard of each table: request r (from 1) is Lookups[r - 1].
    public List<(StageLookup Lookup, int Shard)> Lookups { get; } = [];
    // By stage: how many lookups the stages before it have.
    public int[] LookupBase { get; }
    public bool HasPrint { get; }

    public int ShardIndexOf(IActorRef sender) => Array.IndexOf(Shards, sender);
}

internal sealed class StageProgram
{
    public StageProgram(PartitionStage stage, IReadOnlyDictionary<string, int> variableIndex, bool keepsUpdateOutputs)
    {
        Definition = stage;
        var (ops, roots) = StageInitializers.Of(stage, keepsUpdateOutputs);
        var graph = Graph.FromDefs(ops);
        Feeds = Array.ConvertAll(stage.Feeds, f => graph.GetTensor(f.Tensor));
        Recvs = Array.ConvertAll(stage.Recvs, r => r.Tensor.Length == 0 ? null : graph.GetTensor(r.Tensor));
        Sends = Array.ConvertAll(stage.Sends, s => s.Tensor.Length == 0 ? null : graph.GetTensor(s.Tensor));
        var fetched = stage.Fetches.Select(f => (Tensor?)graph.GetTensor(f.Tensor)).ToList();
        SendFetchOffset = fetched.Count;
        foreach (var t in Sends) fetched.Add(t);
        LookupFetchOffset = fetched.Count;
        foreach (var lookup in stage.Lookups ?? []) fetched.Add(graph.GetTensor(lookup.Ids));
        var fed = new HashSet<Tensor>(Feeds, ReferenceEqualityComparer<Tensor>.Instance);
        foreach (var t in Recvs)
            if (t is not null) fed.Add(t);
        Plan = new CompiledPlan(fetched, roots.Select(graph.GetOperation).ToArray(), fed);
        foreach (var v in graph.Variables)
            if (variableIndex.TryGetValue(v.Op.Name, out int index)) VariableIndex[v.Op] = index;
        // A hash table part is updated like a variable (its updates go to its shard), though never read.
        foreach (var op in graph.Operations)
            if (op.Type == "HashTable" && variableIndex.TryGetValue(op.Name, out int index)) VariableIndex[op] = index;
        foreach (var op in Plan.Operations)
            HasPrint |= op.Def.Traits.HasFlag(Ops.OpTraits.Print)
                || Ops.ControlFlowOps.FunctionsOf(op).Length > 0 && Ops.ControlFlowOps.BodyOps(op).Exists(b => b.Def.Traits.HasFlag(Ops.OpTraits.Print));
        DataRecvCount = Recvs.Count(t => t is not null);
        LateReads = Array.ConvertAll(stage.LateReads ?? [], v => variableIndex[v]);
    }

    public PartitionStage Definition { get; }
    public CompiledPlan Plan { get; }
    public Tensor[] Feeds { get; }
    public Tensor?[] Recvs { get; }
    public Tensor?[] Sends { get; }
    public int SendFetchOffset { get; }
    // Where the lookups' ids are among the plan's outputs, after the sends.
    public int LookupFetchOffset { get; }
    public int DataRecvCount { get; }
    public Dictionary<Operation, int> VariableIndex { get; } = new(ReferenceEqualityComparer<Operation>.Instance);
    public bool HasPrint { get; }
    // Indices (into the registration's variables) read from their shards once the stage's receives are in.
    public int[] LateReads { get; }
    public bool AppliesUpdates => Definition.AppliesUpdates;
}
