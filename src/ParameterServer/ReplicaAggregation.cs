using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.ParameterServer;

// One synchronous data-parallel step's updates at one shard, gathered until every replica's are in:
// then one ApplyUpdates whose gradients are the replicas' average weighted by their share of the
// batch (the full-batch gradient of a mean loss). Updates without a gradient (Assign, AssignAdd…)
// apply once, as the first replica wrote them. A sparse gradient's rows are concatenated, each replica's weighted,
// and the update sums the rows of repeated indices, so a row several replicas touched gets their weighted sum.
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
            var rule = UpdateKinds.Find(first[i].Kind);
            if (rule?.Gradient is not { } g)
            {
                combined[i] = first[i];
                continue;
            }
            if (rule.IsSparse)
            {
                combined[i] = MergedRows(i, rule, g, weights);
                continue;
            }
            var operands = (NDArray[])first[i].Operands.Clone();
            operands[g] = ArrayRows.WeightedSum(Arrived.Select(a => a.Updates.Updates[i].Operands[g]).ToArray(), weights);
            combined[i] = first[i] with { Operands = operands };
        }
        return (new ApplyUpdates(StepId, combined, Wanted: []), null);
    }

    private WireUpdate MergedRows(int i, UpdateRule rule, int g, double[] weights)
    {
        var updates = Arrived.Select(a => a.Updates.Updates[i]).ToArray();
        var rows = new NDArray[updates.Length];
        var indices = new List<long>();
        for (int r = 0; r < updates.Length; r++)
        {
            var ids = updates[r].Operands[rule.Indices];
            for (int k = 0; k < ids.Length; k++) indices.Add(ids.DType == DType.Int32 ? ids.Span<int>()[k] : ids.Span<long>()[k]);
            var values = updates[r].Operands[g];
            // One row per index, whatever the indices' rank.
            var weighted = ArrayRows.WeightedSum([values], [weights[r]]);
            rows[r] = NDArray.Zeros(values.DType, Shape.Own([ids.Length, .. values.Shape.Dims[ids.Shape.Rank..]]));
            weighted.Bytes.CopyTo(rows[r].Bytes);
        }
        var operands = (NDArray[])updates[0].Operands.Clone();
        operands[g] = ArrayRows.Concat(rows);
        operands[rule.Indices] = NDArray.FromArray(indices.ToArray(), Shape.Own([indices.Count]));
        return updates[0] with { Operands = operands };
    }

    private static double WeightOf(ApplyUpdates updates) => updates.Routing?.Weight ?? 1;
}
