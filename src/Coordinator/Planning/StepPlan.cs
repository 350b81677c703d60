using ActorGraph.Worker;

namespace ActorGraph.Coordinator;

// A cached plan for one (fetches, fed tensors, targets, graph version): what each worker runs,
// what each shard pushes to it, and the explanation Session.Explain shows.
internal sealed class StepPlan
{
    public required long Id { get; init; }
    public required int FetchCount { get; init; }
    // Set when the plan refuses every step before anything runs (an unfed placeholder, a bad device).
    public ActorGraphException? Error { get; init; }
    public string[] Operations { get; init; } = [];
    public Dictionary<string, string> Placement { get; init; } = [];
    public WorkerShare[] Shares { get; init; } = [];
}

internal sealed class WorkerShare
{
    public required int Task { get; init; }
    public required RegisterPartition Registration { get; init; }
    // The client feed index of each RunPartition.Feeds slot.
    public required int[] FeedIndices { get; init; }
    public required ReadBatch[] Reads { get; init; }
}

internal sealed record ReadBatch(int Shard, string[] Names);
