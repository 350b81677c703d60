using ActorGraph.Execution;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests;

public sealed class ShardActorTests() : TestKit(ActorConfig)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_shard_applies_updates_and_answers_reads()
    {
        var shard = Sys.ActorOf(ShardActor.Props(0));
        shard.Tell(new ApplyUpdates(1, [new(UpdateKind.Assign, "w", [], [Floats(1, 2, 3)]), new(UpdateKind.AssignAdd, "w", [], [Floats(1, 1, 1)])]));
        var applied = ExpectMsg<UpdatesApplied>(Wait);
        Assert.Equal(1, applied.StepId);
        Assert.Equal([1f, 2f, 3f], applied.Values[0].ToArray<float>());
        Assert.Equal([2f, 3f, 4f], applied.Values[1].ToArray<float>());

        shard.Tell(new ReadVariables(2, ["w", "never"]));
        var read = ExpectMsg<VariablesRead>(Wait);
        Assert.Equal(2, read.StepId);
        Assert.Equal([2f, 3f, 4f], read.Values[0]!.ToArray<float>());
        Assert.Null(read.Values[1]);
    }

    [Fact]
    public void A_shard_sends_back_only_the_values_its_sender_wants()
    {
        var shard = Sys.ActorOf(ShardActor.Props(0));
        WireUpdate[] updates = [new(UpdateKind.Assign, "w", [], [Floats(1, 2)]), new(UpdateKind.Assign, "v", [], [Floats(5)]), new(UpdateKind.AssignAdd, "w", [], [Floats(1, 1)])];
        shard.Tell(new ApplyUpdates(1, updates, Wanted: [2, 0]));
        var applied = ExpectMsg<UpdatesApplied>(Wait);
        Assert.Equal([[2f, 3f], [1f, 2f]], applied.Values.Select(v => v.ToArray<float>()));

        shard.Tell(new ApplyUpdates(2, [new(UpdateKind.AssignAdd, "v", [], [Floats(1)])], Wanted: []));
        Assert.Empty(ExpectMsg<UpdatesApplied>(Wait).Values);
        shard.Tell(new ApplyUpdates(3, [new(UpdateKind.AssignAdd, "v", [], [Floats(1)])], Wanted: [1]));
        Assert.Equal(ErrorCodes.InvalidArgument, ExpectMsg<ShardRequestFailed>(Wait).ErrorCode);
    }

    [Fact]
    public void A_refused_step_is_answered_with_tensorflows_error()
    {
        var shard = Sys.ActorOf(ShardActor.Props(0));
        shard.Tell(new ApplyUpdates(4, [new(UpdateKind.AssignAdd, "count", [], [1])]));
        var failed = ExpectMsg<ShardRequestFailed>(Wait);
        Assert.Equal((4L, ErrorCodes.FailedPrecondition), (failed.StepId, failed.ErrorCode));
        Assert.StartsWith("Attempting to use uninitialized value count", failed.Message);
    }

    [Fact]
    public void Concurrent_senders_each_see_their_updates_applied_in_order_and_none_lost()
    {
        const int senders = 10, updates = 100;
        var shard = Sys.ActorOf(ShardActor.Props(0));
        shard.Tell(new ApplyUpdates(0, [new(UpdateKind.Assign, "count", [], [0])]));
        ExpectMsg<UpdatesApplied>(Wait);

        var probes = Enumerable.Range(0, senders).Select(_ => CreateTestProbe()).ToArray();
        Parallel.ForEach(probes, probe =>
        {
            for (int i = 0; i < updates; i++) shard.Tell(new ApplyUpdates(i, [new(UpdateKind.AssignAdd, "count", [], [1])]), probe.Ref);
        });

        foreach (var probe in probes)
        {
            int last = 0;
            for (int i = 0; i < updates; i++)
            {
                var applied = probe.ExpectMsg<UpdatesApplied>(Wait);
                Assert.Equal(i, applied.StepId);
                int value = applied.Values[0].ToScalar<int>();
                Assert.True(value > last, $"update {i} of a sender saw {value} after {last}");
                last = value;
            }
        }
        shard.Tell(new ReadVariables(1, ["count"]));
        Assert.Equal(senders * updates, ExpectMsg<VariablesRead>(Wait).Values[0]!.ToScalar<int>());
    }

    [Fact]
    public void A_crashed_shard_is_restarted_says_it_lost_its_state_and_can_be_initialized_again()
    {
        var shard = Sys.ActorOf(ShardActor.Props(2));
        var notices = CreateTestProbe();
        Sys.EventStream.Subscribe(notices.Ref, typeof(ShardRestarted));
        shard.Tell(new ApplyUpdates(1, [new(UpdateKind.Assign, "w", [], [Floats(1, 2)])]));
        ExpectMsg<UpdatesApplied>(Wait);

        EventFilter.Exception<SimulatedFaultException>().ExpectOne(() => shard.Tell(new CrashShard(2, "injected")));
        var aborted = ExpectMsg<ShardRequestFailed>(Wait);
        Assert.Equal((2L, ErrorCodes.Aborted), (aborted.StepId, aborted.ErrorCode));
        Assert.Equal(2, notices.ExpectMsg<ShardRestarted>(Wait).Task);

        shard.Tell(new ReadVariables(3, ["w"]));
        var failed = ExpectMsg<ShardRequestFailed>(Wait);
        Assert.Equal(ErrorCodes.FailedPrecondition, failed.ErrorCode);
        Assert.StartsWith("Attempting to use uninitialized value w: parameter server /job:ps/task:2 restarted and lost its state", failed.Message);

        shard.Tell(new ApplyUpdates(4, [new(UpdateKind.Assign, "w", [], [Floats(5, 6)])]));
        ExpectMsg<UpdatesApplied>(Wait);
        shard.Tell(new ReadVariables(5, ["w"]));
        Assert.Equal([5f, 6f], ExpectMsg<VariablesRead>(Wait).Values[0]!.ToArray<float>());
        shard.Tell(new GetShardStatus());
        var status = ExpectMsg<ShardStatus>(Wait);
        Assert.True(status.Restarted);
        Assert.Equal(["w"], status.Variables);
    }

    [Fact]
    public void Commands_queued_behind_a_crash_see_the_restarted_shard()
    {
        var shard = Sys.ActorOf(ShardActor.Props(0));
        shard.Tell(new ApplyUpdates(1, [new(UpdateKind.Assign, "w", [], [1f])]));
        EventFilter.Exception<SimulatedFaultException>().ExpectOne(() =>
        {
            shard.Tell(new CrashShard(2, "injected"));
            shard.Tell(new ApplyUpdates(3, [new(UpdateKind.AssignAdd, "w", [], [1f])]));
        });
        ExpectMsg<UpdatesApplied>(Wait);
        Assert.Equal(ErrorCodes.Aborted, ExpectMsg<ShardRequestFailed>(Wait).ErrorCode);
        var failed = ExpectMsg<ShardRequestFailed>(Wait);
        Assert.Equal(3, failed.StepId);
        Assert.Contains("restarted and lost its state", failed.Message);
    }
}
