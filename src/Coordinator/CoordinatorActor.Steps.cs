using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// Starting a step: every message of it leaves here at once. A step on several workers is gathered
// by a StepGatherer child; a step on one worker by this actor (see StepGathering for why).
public sealed partial class CoordinatorActor
{
    private readonly Dictionary<long, StepGathering> _gathering = [];

    private void Handle(RunStep m)
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
            Sender.Tell(new StepFailed(stepId, ErrorCodes.Of(e), e.Message, null));
            return;
        }
        if (plan.Error is { } error)
        {
            Sender.Tell(new StepFailed(stepId, ErrorCodes.Of(error), error.Message, null));
            return;
        }
        if (plan.Shares.Length == 0)
        {
            Sender.Tell(new StepSucceeded(stepId, new NDArray?[plan.FetchCount], null));
            return;
        }
        var involved = Array.ConvertAll(plan.Shares, s => (s.Task, _workers[s.Task]));
        var gathering = new StepGathering(stepId, Sender, involved, plan.FetchCount, _stepTimeout);
        IActorRef replyTo;
        if (involved.Length == 1)
        {
            _gathering[stepId] = gathering;
            replyTo = Self;
        }
        else replyTo = Context.ActorOf(StepGatherer.Props(gathering).WithDispatcher(Context.Props.Dispatcher), $"step-{stepId}");
        foreach (var share in plan.Shares)
        {
            var worker = _workers[share.Task];
            if (_registered.Add((plan.Id, share.Task))) worker.Tell(share.Registration);
            var feeds = new NDArray[share.FeedIndices.Length];
            for (int i = 0; i < feeds.Length; i++) feeds[i] = m.FeedValues[share.FeedIndices[i]];
            worker.Tell(new RunPartition(stepId, plan.Id, feeds), replyTo);
            // The shard answers the worker directly, while RunPartition is on its way.
            foreach (var batch in share.Reads) _shards[batch.Shard].Tell(new ReadVariables(stepId, batch.Names, Lend: true), worker);
        }
    }

    private void Handle(PartitionSucceeded m)
    {
        if (_gathering.TryGetValue(m.StepId, out var step) && step.Succeeded(Sender, m) is { } done) Finish(step, done, abort: false);
    }

    private void Handle(PartitionFailed m)
    {
        if (_gathering.TryGetValue(m.StepId, out var step) && step.Failed(Sender, m) is { } failed) Finish(step, failed, abort: true);
    }

    private void SweepDeadlines()
    {
        if (_gathering.Count == 0) return;
        long now = Environment.TickCount64;
        foreach (var step in _gathering.Values.Where(s => s.IsOverdue(now)).ToArray()) Finish(step, step.Overdue(), abort: true);
    }

    private void FailStepsOn(IActorRef worker)
    {
        foreach (var step in _gathering.Values.Where(s => s.Waits(worker)).ToArray())
            if (step.Stopped(worker) is { } failed) Finish(step, failed, abort: true);
    }

    // Answers once; an aborted step's late messages find no gathering and are dropped.
    private void Finish(StepGathering step, ICoordinatorReply reply, bool abort)
    {
        _gathering.Remove(step.StepId);
        if (abort)
            foreach (var (_, worker) in step.Workers) worker.Tell(new AbortStep(step.StepId));
        step.Client.Tell(reply);
    }
}
