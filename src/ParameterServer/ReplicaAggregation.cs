using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.ParameterServer;

// One synchronous data-parallel step's updates at one shard, gathered until every replica's are in:
// then one ApplyUpdates whose gradients are the replicas' average weighted by their share of the
// batch (the full-batch gradient of a mean loss). Updates without a gradient (Assign, AssignAdd…)
// apply once, as the first replica wrote them.
internal sealed class ReplicaAggregation<TSender>(long stepId, int replicas)
{
    public long StepId { get; } = stepId;
    public List<(TSender Sender, ApplyUpdates Updates)> Arrived { get; } = [];
    public bool Complete => Arrived.Count >= replicas;

    // Null with the reason when the replicas' updates do not line up (they ran different plans).
    public (ApplyUpdates? Combined, string? Error) Combine()
    {
        var first = Arrived[0].Updates.Updates;
        foreach (var (_, other) in Arrived)
        {
            if (other.Updates.Length != first.Length)
                return (null, $"the replicas of step {StepId} sent {first.Length} and {other.Updates.Length} updates; they must run the same plan.");
            for (int i = 0; i < first.Length; i++)
                if (other.Updates[i].Variable != first[i].Variable || other.Updates[i].Kind != first[i].Kind)
                    return (null, $"the replicas of step {StepId} update {first[i].Variable} and {other.Updates[i].Variable} in the same place.");
        }
        double total = Arrived.Sum(a => WeightOf(a.Updates));
        var weights = Arrived.Select(a => total > 0 ? WeightOf(a.Updates) / total : 1.0 / Arrived.Count).ToArray();
        var combined = new WireUpdate[first.Length];
        for (int i = 0; i < first.Length; i++)
        {
            if (UpdateKinds.Find(first[i].Kind)?.Gradient is not { } g)
            {
                combined[i] = first[i];
                continue;
            }
            var operands = (NDArray[])first[i].Operands.Clone();
            operands[g] = ArrayRows.WeightedSum(Arrived.Select(a => a.Updates.Updates[i].Operands[g]).ToArray(), weights);
            combined[i] = first[i] with { Operands = operands };
        }
        return (new ApplyUpdates(StepId, combined, Wanted: []), null);
    }

    private static double WeightOf(ApplyUpdates updates) => updates.Routing?.Weight ?? 1;
}
