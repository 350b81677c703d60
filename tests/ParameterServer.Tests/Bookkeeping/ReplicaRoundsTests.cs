using ActorGraph.Execution;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests.Bookkeeping;

public sealed class ReplicaRoundsTests
{
    private readonly ReplicaRounds<string> _rounds = new();

    private static ApplyUpdates Replica(long step, double weight, float gradient) => new(step,
        [new WireUpdate(UpdateKind.GradientDescent, "w", [], [0.5f, Floats(gradient, gradient)]), new WireUpdate(UpdateKind.AssignAdd, "count", [], [1])],
        Wanted: [], new UpdateRouting(2, weight));

    [Fact]
    public void A_step_waits_for_every_replica_then_closes()
    {
        var first = _rounds.Arrive("a", Replica(1, 0.5, 1), replicas: 2)!;
        Assert.False(first.Complete);
        Assert.True(_rounds.IsOpen(1));
        var second = _rounds.Arrive("b", Replica(1, 0.5, 3), replicas: 2)!;
        Assert.Same(first, second);
        Assert.True(second.Complete);
        Assert.False(_rounds.IsOpen(1));
        Assert.Equal(["a", "b"], second.Arrived.Select(a => a.Sender));
    }

    [Fact]
    public void A_replica_that_comes_after_its_step_closed_is_left_out()
    {
        _rounds.Arrive("a", Replica(1, 0.5, 1), replicas: 2);
        var closed = _rounds.Close(1)!;
        Assert.Equal(["a"], closed.Arrived.Select(a => a.Sender));
        Assert.Null(_rounds.Arrive("b", Replica(1, 0.5, 3), replicas: 2));
    }

    [Fact]
    public void A_step_closed_before_any_replica_came_refuses_them_all()
    {
        Assert.Null(_rounds.Close(5));
        Assert.Null(_rounds.Arrive("a", Replica(5, 0.5, 1), replicas: 2));
    }

    [Fact]
    public void Gradients_are_averaged_by_each_replicas_share_of_the_batch_and_other_updates_apply_once()
    {
        _rounds.Arrive("a", Replica(1, 0.25, 1), replicas: 2);
        var aggregation = _rounds.Arrive("b", Replica(1, 0.75, 3), replicas: 2)!;
        var (combined, error) = aggregation.Combine();
        Assert.Null(error);
        Assert.Equal([2.5f, 2.5f], combined!.Updates[0].Operands[1].ToArray<float>());
        Assert.Same(aggregation.Arrived[0].Updates.Updates[1], combined.Updates[1]);
        Assert.Null(combined.Routing);
    }

    [Fact]
    public void Replicas_that_ran_different_plans_are_refused_with_the_reason()
    {
        _rounds.Arrive("a", Replica(1, 0.5, 1), replicas: 2);
        var other = Replica(1, 0.5, 1) with { Updates = [new WireUpdate(UpdateKind.GradientDescent, "w", [], [0.5f, Floats(1, 1)])] };
        var (combined, error) = _rounds.Arrive("b", other, replicas: 2)!.Combine();
        Assert.Null(combined);
        Assert.Contains("sent 2 and 1 updates", error);
    }
}
