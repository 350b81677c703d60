using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Worker.Tests;

// In-process messages are not copied: the arrays a worker sends its shard are the kernels' own buffers.
public class UpdateBufferTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly Config Actors = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.serialize-messages = off
        """).WithFallback(ActorGraphSerialization.Hocon);

    private readonly TestProbe _shard;
    private readonly TestProbe _gatherer;
    private readonly IActorRef _worker;

    public UpdateBufferTests() : base(Actors)
    {
        _shard = CreateTestProbe();
        _gatherer = CreateTestProbe();
        _worker = Sys.ActorOf(WorkerActor.Props(0), "worker-0");
        _worker.Tell(Partitions.Seed(_shard.Ref, _worker));
    }

    private ApplyUpdates Step(long step, float x, float y)
    {
        _gatherer.Send(_worker, new RunPartition(step, 1, [x, y]));
        _shard.Send(_worker, new VariablesRead(step, [1f, 0f]));
        return _shard.ExpectMsg<ApplyUpdates>(Wait);
    }

    private static NDArray[] Deltas(ApplyUpdates apply) => apply.Updates.Select(u => u.Operands[1]).ToArray();

    [Fact]
    public void Update_operands_stay_untouched_until_applied_and_are_reused_afterwards()
    {
        var first = Deltas(Step(1, 1f, 3f));
        var sent = first.Select(d => d.ToScalar<float>()).ToArray();
        // A second step while the first one's updates wait: its kernels must write elsewhere.
        var second = Deltas(Step(2, 2f, 10f));
        Assert.Equal(sent, first.Select(d => d.ToScalar<float>()));
        Assert.All(second, d => Assert.DoesNotContain(first, f => ReferenceEquals(f, d)));

        _shard.Send(_worker, new UpdatesApplied(1, []));
        _shard.Send(_worker, new UpdatesApplied(2, []));
        _gatherer.ExpectMsg<PartitionSucceeded>(Wait);
        _gatherer.ExpectMsg<PartitionSucceeded>(Wait);

        // Both steps are over: the next one writes into buffers of one of them rather than new ones.
        var third = Deltas(Step(3, 1f, 1f));
        Assert.True(third.All(d => first.Any(f => ReferenceEquals(f, d))) || third.All(d => second.Any(s => ReferenceEquals(s, d))));
    }

    [Fact]
    public void A_step_aborted_while_its_updates_are_in_flight_leaves_its_buffers_to_the_shard()
    {
        var first = Deltas(Step(1, 1f, 3f));
        var sent = first.Select(d => d.ToScalar<float>()).ToArray();
        _worker.Tell(new AbortStep(1));
        var second = Deltas(Step(2, 2f, 10f));
        Assert.Equal(sent, first.Select(d => d.ToScalar<float>()));
        Assert.All(second, d => Assert.DoesNotContain(first, f => ReferenceEquals(f, d)));
    }
}
