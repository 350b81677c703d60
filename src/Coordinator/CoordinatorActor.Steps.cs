using ActorGraph.Coordinator.Steps;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// Starting a step: every message of it leaves here at once, the replies go to the step tracker.
public sealed partial class CoordinatorActor
{
    private IActorRef _stepTracker = ActorRefs.Nobody;

    private void Handle(RunStep m) => Start(m, Sender);

    // client: who gets the answer (the sender of RunStep, also when a step held for its staleness bound starts later).
    private void Start(RunStep m, IActorRef client)
    {
        long stepId = ++_stepsStarted;
        StepPlan plan;
        try
        {
            Extend(m.FromVersion, m.Extend);
            plan = PlanFor(m);
        }
        catch (Exception e)
        {
            client.Tell(new StepFailed(stepId, ErrorCodes.Of(e), e.Message, null));
            return;
        }
        if (plan.Error is { } error)
        {
            client.Tell(new StepFailed(stepId, ErrorCodes.Of(error), error.Message, null));
            return;
        }
        if (TryRunReplicated(m, stepId, client)) return;
        if (_cluster is not null && UnhostedShard(plan) is { } unhosted)
        {
            client.Tell(new StepFailed(stepId, ErrorCodes.Unavailable, unhosted, null));
            return;
        }
        if (plan.Shares.Length == 0)
        {
            client.Tell(new StepSucceeded(stepId, new NDArray?[plan.FetchCount], null));
            return;
        }
        var involved = Array.ConvertAll(plan.Shares, s => (s.Task, _workers[s.Task]));
        // A client on another node may hear from the shards themselves that the updates are applied, and from
        // the step tracker as soon as the workers answered: the step's way back is then one hop.
        string? answerTo = _cluster is not null && !_bulk.IsInProcess(client) ? client.Path.ToSerializationFormat() : null;
        _stepTracker.Tell(new TrackStep(new PendingStep(stepId, client, involved, plan.FetchCount, _stepTimeout, clientAcked: answerTo is not null)));
        // Reads first: the shards' answers (serialized variables) are the longer way to the workers, and
        // start while the feeds are serialized into RunPartition. The shard answers the worker directly.
        foreach (var share in plan.Shares)
            foreach (var batch in share.Reads)
                _bulk.Tell(_shards[batch.Shard], new ReadVariables(stepId, batch.Names, Lend: SameSystem(_shards[batch.Shard], _workers[share.Task])), _workers[share.Task]);
        foreach (var share in plan.Shares)
        {
            var worker = _workers[share.Task];
            if (_registered.Add((plan.Id, share.Task))) _bulk.Tell(worker, share.Registration, Self);
            var feeds = new NDArray[share.FeedIndices.Length];
            for (int i = 0; i < feeds.Length; i++) feeds[i] = m.FeedValues[share.FeedIndices[i]];
            _bulk.Tell(worker, new RunPartition(stepId, plan.Id, feeds, AnswerTo: answerTo), _stepTracker);
        }
    }

    // A shard lends its live arrays only to a worker of its own ActorSystem: between nodes (tensor
    // channel or Akka.Remote) the values are serialized anyway, and later than the shard answers.
    private static bool SameSystem(IActorRef shard, IActorRef worker) => shard.Path.Address.Equals(worker.Path.Address);
}
