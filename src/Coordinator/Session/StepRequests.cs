using System.Collections.Concurrent;
using ActorGraph.Execution;

namespace ActorGraph;

// What a RunStep names, per request (fetches in order, fed tensors as a set): fetches as tensor names
// ("add:0") or "^op", feeds in tensor order so one request always travels in one form and hits one
// cached plan. The same request gets the same arrays every time (the coordinator compares them by
// reference first), and a training loop that repeats its request finds them without building a key.
internal sealed class StepRequests
{
    private readonly ConcurrentDictionary<PlanKey, Names> _byRequest = new();
    private volatile Names? _last;

    // FeedKeys: the fed tensors' keys in the order of Feeds.
    private sealed record Names(PlanKey Key, string[] Fetches, string[] Feeds, int[] FeedKeys);

    public (string[] Fetches, string[] Feeds, NDArray[] FeedValues) For(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        if (_last is not { } names || !names.Key.Matches(fetches, fed))
            _last = names = _byRequest.GetOrAdd(PlanKey.Of(fetches, fed), key => Build(key, fetches, fed));
        var values = new NDArray[fed.Count];
        for (int i = 0; i < values.Length; i++)
            for (int j = 0; j < fed.Count; j++)
                if (fed[j].Key.Key == names.FeedKeys[i]) values[i] = fed[j].Value;
        return (names.Fetches, names.Feeds, values);
    }

    public static string NameOf(Fetch f) => f.Tensor?.Name ?? "^" + f.Operation.Name;

    private static Names Build(PlanKey key, IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        var sorted = fed.Select(p => p.Key).OrderBy(t => t.Key).ToArray();
        return new Names(key, [.. fetches.Select(NameOf)], [.. sorted.Select(t => t.Name)], [.. sorted.Select(t => t.Key)]);
    }
}
