using System.Collections.Concurrent;

namespace ActorGraph.Execution;

// Runs steps of one graph in this process: validates feeds, finds or compiles the plan for
// (fetches, fed tensors, targets), and executes it. Thread-safe; plans survive graph growth.
public sealed class Executor(Graph graph)
{
    private readonly ConcurrentDictionary<PlanKey, CompiledPlan> _plans = new();
    // The plan of the last Run: a training loop asks for it again and again, and finds it without
    // building a key (an array, a hash) or looking it up.
    private volatile CachedPlan? _last;

    private sealed record CachedPlan(PlanKey Key, CompiledPlan Plan);

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
        if (_last is { } last && last.Key.Matches(fetches, fed)) return last.Plan;
        var key = PlanKey.Of(fetches, fed);
        if (!_plans.TryGetValue(key, out var plan))
        {
            var fedSet = new HashSet<Tensor>(fed.Select(p => p.Key), ReferenceEqualityComparer<Tensor>.Instance);
            var roots = Pruning.Roots(fetches, fedSet);
            plan = _plans.GetOrAdd(key, _ => new CompiledPlan(fetches.Select(f => f.Tensor).ToArray(), roots, fedSet));
        }
        _last = new CachedPlan(key, plan);
        return plan;
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

    // Whether Of(fetches, fed) would make this key, without making it. Fed tensors are distinct (a
    // feed dictionary's keys), so the same count all found in the sorted part is the same set.
    public bool Matches(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        var ids = _ids;
        if (ids is null || ids.Length != fetches.Count + 1 + fed.Count) return false;
        for (int i = 0; i < fetches.Count; i++)
            if (ids[i] != (fetches[i].Tensor is { } t ? t.Key : -1 - fetches[i].Operation.Id)) return false;
        var sortedFed = ids.AsSpan(fetches.Count + 1);
        for (int i = 0; i < fed.Count; i++)
            if (sortedFed.BinarySearch(fed[i].Key.Key) < 0) return false;
        return true;
    }

    public bool Equals(PlanKey other) => _ids.AsSpan().SequenceEqual(other._ids);
    public override bool Equals(object? obj) => obj is PlanKey k && Equals(k);
    public override int GetHashCode() => _hash;
}
