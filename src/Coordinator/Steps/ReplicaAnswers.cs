using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator.Steps;

// The answer of a data-parallel step: each replica's fetches, put back together in slice order
// (per-example values concatenated along axis 0, scalars averaged by slice size). With backup
// workers, the replicas that answered in time make the answer and the others are named as left out.
internal sealed class ReplicaAnswers(int[] rows)
{
    private readonly Dictionary<int, PartitionSucceeded> _answers = [];

    public int[] Rows { get; } = rows;

    public void Add(int replica, PartitionSucceeded answer) => _answers[replica] = answer;

    public int Answered => _answers.Count;

    public NDArray?[] Combine(int fetchCount)
    {
        var values = new NDArray?[fetchCount];
        var parts = Enumerable.Range(0, fetchCount).Select(_ => new List<(NDArray Value, int Rows)>()).ToArray();
        foreach (var (replica, answer) in _answers.OrderBy(a => a.Key))
            for (int i = 0; i < answer.FetchIndices.Length; i++)
                if (answer.Values[i] is { } v) parts[answer.FetchIndices[i]].Add((v, Rows[replica]));
        for (int f = 0; f < fetchCount; f++)
            values[f] = Join(parts[f]);
        return values;
    }

    private static NDArray? Join(List<(NDArray Value, int Rows)> parts)
    {
        if (parts.Count == 0) return null;
        if (parts.Count == 1) return parts[0].Value;
        if (parts.TrueForAll(p => p.Value.Shape.Rank >= 1 && p.Value.Shape[0] == p.Rows))
            return ArrayRows.Concat(parts.ConvertAll(p => p.Value));
        var first = parts[0].Value;
        if (first.Length == 1 && first.DType is DType.Float32 or DType.Float64 && parts.TrueForAll(p => p.Value.Length == 1 && p.Value.DType == first.DType))
        {
            double total = parts.Sum(p => p.Rows);
            return ArrayRows.WeightedSum(parts.ConvertAll(p => p.Value), parts.ConvertAll(p => p.Rows / total));
        }
        return first;
    }
}
