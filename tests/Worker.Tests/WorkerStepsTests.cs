using ActorGraph.Wire;
using Akka.Actor;
using Xunit;

namespace ActorGraph.Worker.Tests;

// A worker's book of steps alone, without an ActorSystem: which run, which are forgotten, which failed early.
public class WorkerStepsTests
{
    private readonly PeerRef _self = new("worker-0");
    private readonly PeerRef _shard = new("shard-0");
    private readonly PeerRef _gatherer = new("gatherer");
    private readonly StepOutbox _outbox = new();
    private readonly WorkerSteps _steps;

    public WorkerStepsTests() => _steps = new WorkerSteps(new HeldCopies(), new FakeSurroundings(_self), _outbox, remembered: 2);

    private WorkerStep Started(long stepId)
    {
        var peers = new IActorRef[] { _self, _shard, _gatherer }.ToDictionary(Partitions.Path);
        var program = new PartitionProgram(Partitions.Seed(_shard, _self), path => peers[path]);
        var step = _steps.For(stepId);
        step.Start(program, new RunPartition(stepId, 1, [1f, 3f]), _gatherer);
        return step;
    }

    [Fact]
    public void Forgotten_steps_are_remembered_up_to_the_bound_oldest_out_first()
    {
        _steps.Forget(1);
        _steps.Forget(2);
        Assert.True(_steps.IsForgotten(1));
        _steps.Forget(3);
        Assert.False(_steps.IsForgotten(1));
        Assert.True(_steps.IsForgotten(2) && _steps.IsForgotten(3));
    }

    [Fact]
    public void A_step_that_failed_before_RunPartition_is_forgotten_and_answers_it_once()
    {
        var step = _steps.For(5);
        step.Fail(ErrorCodes.Unavailable, "shard gone");
        _steps.Settle(step);
        Assert.True(_steps.IsForgotten(5));
        Assert.Null(_steps.Running(5));
        Assert.Equal((ErrorCodes.Unavailable, "shard gone"), _steps.TakeEarlyFailure(5));
        Assert.Null(_steps.TakeEarlyFailure(5));
    }

    [Fact]
    public void An_aborted_step_drops_the_failure_it_kept_for_RunPartition()
    {
        var step = _steps.For(6);
        step.Fail(ErrorCodes.Unavailable, "shard gone");
        _steps.Settle(step);
        _steps.Abort(6);
        Assert.Null(_steps.TakeEarlyFailure(6));
    }

    [Fact]
    public void A_step_that_succeeded_stops_running_without_being_forgotten()
    {
        var step = Started(7);
        step.OnVariablesRead(_shard, new ParameterServer.VariablesRead(7, [1f, 0f]));
        while (step.Advance()) { }
        step.OnUpdatesApplied(_shard, []);
        _steps.Settle(step);
        Assert.Equal(StepOutcome.Succeeded, step.Outcome);
        Assert.Null(_steps.Running(7));
        Assert.False(_steps.IsForgotten(7));
    }

    [Fact]
    public void Another_step_waiting_to_run_its_stages_counts_until_it_is_forgotten()
    {
        var first = Started(8);
        Assert.False(_steps.OthersRunStages(first));
        Started(9);
        Assert.True(_steps.OthersRunStages(first));
        _steps.Abort(9);
        Assert.False(_steps.OthersRunStages(first));
    }
}
