using ActorGraph.Coordinator.Steps;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// Data-parallel steps (SessionOptions.DataParallel): the whole step planned onto each of K workers,
// the batch's rows split into K contiguous slices, one RunPartition per replica, gathered by a
// DataParallelStepActor. A step that reads a dataset needs no batch fed: each replica's iterator reads
// its own share (element i to replica i mod K) and the replicas weigh the same. A step with neither (no feed
// with a first dimension of 2 or more, no iterator), or with a single worker serving, runs as an ordinary step.
public sealed partial class CoordinatorActor
{
    private readonly Dictionary<(PlanKey Key, int Task), StepPlan> _replicaPlans = [];

    private bool TryRunReplicated(RunStep m, long stepId, IActorRef client)
    {
        if (_dataParallel is not { } settings) return false;
        int? batchRows = BatchRows(m);
        var live = LiveTasks();
        int k = Math.Min(batchRows ?? int.MaxValue, settings.Replicas > 0 ? Math.Min(settings.Replicas, live.Length) : live.Length);
        if (k < 2) return false;
        if (batchRows is null && !ReadsDataset(ReplicaPlan(m, live[0]))) return false;
        int rows = batchRows ?? k;
        var tasks = live.Take(k).ToArray();
        var plans = Array.ConvertAll(tasks, t => ReplicaPlan(m, t));
        if (plans[0].Error is { } error)
        {
            client.Tell(new StepFailed(stepId, ErrorCodes.Of(error), error.Message, null));
            return true;
        }
        if (plans.Any(p => p.Shares.Length != 1)) return false;
        if (_cluster is not null && UnhostedShard(plans[0]) is { } unhosted)
        {
            client.Tell(new StepFailed(stepId, ErrorCodes.Unavailable, unhosted, null));
            return true;
        }
        if (HoldForStaleness(m, stepId, client, settings, k)) return true;
        var counts = Enumerable.Range(0, k).Select(r => rows / k + (r < rows % k ? 1 : 0)).ToArray();
        var involved = Array.ConvertAll(tasks, t => (t, _workers[t]));
        var pending = new PendingStep(stepId, client, involved, plans[0].FetchCount, _stepTimeout);
        var stepActor = Context.ActorOf(DataParallelStepActor.Props(pending, counts, _shards.ToArray(), settings)
            .WithDispatcher(Context.Props.Dispatcher), $"step-{stepId}");
        InFlight(stepActor, settings, k);
        int start = 0;
        for (int r = 0; r < k; r++)
        {
            var share = plans[r].Shares[0];
            var worker = _workers[share.Task];
            if (_registered.Add((plans[r].Id, share.Task))) _bulk.Tell(worker, share.Registration, Self);
            var feeds = new NDArray[share.FeedIndices.Length];
            for (int i = 0; i < feeds.Length; i++)
            {
                var value = m.FeedValues[share.FeedIndices[i]];
                feeds[i] = batchRows is not null && value.Shape.Rank >= 1 && value.Shape[0] == rows ? ArrayRows.Slice(value, start, counts[r]) : value;
            }
            foreach (var batch in share.Reads) _bulk.Tell(_shards[batch.Shard], new ReadVariables(stepId, batch.Names), worker);
            _bulk.Tell(worker, new RunPartition(stepId, plans[r].Id, feeds, settings.Synchronous ? k : 0, (double)counts[r] / rows,
                DatasetShards: k, DatasetShard: r), stepActor);
            start += counts[r];
        }
        return true;
    }

    // The batch: the first dimension of the first fed array that has one (2 or more rows to split).
    private static int? BatchRows(RunStep m)
    {
        foreach (var value in m.FeedValues)
            if (value.Shape.Rank >= 1) return value.Shape[0] >= 2 ? value.Shape[0] : null;
        return null;
    }

    private bool ReadsDataset(StepPlan plan) => plan.Error is null &&
        plan.Operations.Any(name => _graph.TryGetOperation(name, out var op) && Ops.IteratorOps.UsesPosition(op.Def));

    private StepPlan ReplicaPlan(RunStep m, int task)
    {
        var key = (new PlanKey(m.Fetches, m.Feeds, GraphVersion), task);
        if (_replicaPlans.TryGetValue(key, out var plan)) return plan;
        plan = Planner.Build(++_plansMade, _graph, m.Fetches, m.Feeds, _variables, [task], [.. _workerPaths], [.. _shardPaths], requireFeeds: true);
        if (_dataParallel!.Synchronous && SynchronousReplicaOrder.Refusal(_graph, plan) is { } refusal)
            plan = new StepPlan { Id = plan.Id, FetchCount = plan.FetchCount, Error = refusal };
        _replicaPlans[key] = plan;
        return plan;
    }
}
