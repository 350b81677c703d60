using System.Collections.Concurrent;

namespace ActorGraph.Execution;

// Runs steps of one graph in this process: validates feeds, finds or compiles the plan for
// (fetches, fed tensors, targets), and executes it. Thread-safe; plans survive graph growth.
public sealed class Executor(Graph graph)
{
    private readonly ConcurrentDictionary<PlanKey, CompiledPlan> _plans = new();

    public Graph Graph { get; } = graph;
    public int CachedPlanCount => _plans.Count;

    public NDArray?[] Run(IReadOnlyList<Fetch> fetches, FeedDict? feeds, StepContext step)
    {
        var fed = Feeds.Validate(Graph, feeds);
        var plan = GetPlan(fetches, fed);
        return plan.Run(fed, step);
    }

    public CompiledPlan GetPlan(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        foreach (var f in fetches)
            if (f.Operation.Graph != Graph)
                throw new InvalidArgumentException($"Fetch argument '{f}' cannot be interpreted as a Tensor or an Operation. ({Errors.NotInGraph(f)}) Run it in a session of its own graph.");
        var key = PlanKey.Of(fetches, fed);
        if (_plans.TryGetValue(key, out var plan)) return plan;
        var fedSet = new HashSet<Tensor>(fed.Select(p => p.Key), ReferenceEqualityComparer<Tensor>.Instance);
        var roots = Pruning.Roots(fetches, fedSet);
        return _plans.GetOrAdd(key, _ => new CompiledPlan(fetches.Select(f => f.Tensor).ToArray(), roots, fedSet));
    }
}

// (fetches in order, then the fed tensors as a set): fetch and feed lists as int keys.
internal readonly struct PlanKey : IEquatable<PlanKey>
{
    private readonly int[] _ids;
    private readonly int _hash;

    private PlanKey(int[] ids)
    {
        _ids = ids;
        var h = new HashCode();
        foreach (var id in ids) h.Add(id);
        _hash = h.ToHashCode();
    }

    public static PlanKey Of(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        var ids = new int[fetches.Count + 1 + fed.Count];
        for (int i = 0; i < fetches.Count; i++)
            ids[i] = fetches[i].Tensor is { } t ? t.Key : -1 - fetches[i].Operation.Id;
        ids[fetches.Count] = int.MinValue;
        for (int i = 0; i < fed.Count; i++) ids[fetches.Count + 1 + i] = fed[i].Key.Key;
        Array.Sort(ids, fetches.Count + 1, fed.Count);
        return new PlanKey(ids);
    }

    public bool Equals(PlanKey other) => _ids.AsSpan().SequenceEqual(other._ids);
    public override bool Equals(object? obj) => obj is PlanKey k && Equals(k);
    public override int GetHashCode() => _hash;
}
