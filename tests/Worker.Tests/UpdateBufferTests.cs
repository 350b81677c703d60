using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
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
    public void A_large_tensor_sent_to_another_worker_is_lent_until_the_steps_end()
    {
        var other = CreateTestProbe();
        var vector = new[] { AttrDef.Of("dtype", DType.Float32), AttrDef.Of("shape", new Shape(1024)) };
        var stage = new PartitionStage(
            [Def("x", "Placeholder", [], vector), Def("two", "Const", [], AttrDef.Of("value", (NDArray)2f)),
             Def("y", "Mul", ["x:0", "two:0"]), Def("_Send/y_0/w1", "_Send", ["y:0"])],
            ["y", "_Send/y_0/w1"], [new StageFeed("x:0", 0)], [], [new StageSend("y:0", 0, 1)], []);
        _worker.Tell(new RegisterPartition(5, [stage], [], [], [[]], [Partitions.Path(_shard.Ref)], [Partitions.Path(_worker), Partitions.Path(other.Ref)], 1, false, 0));
        NDArray Sent(long step, float x)
        {
            _gatherer.Send(_worker, new RunPartition(step, 5, [Enumerable.Repeat(x, 1024).ToArray()]));
            Assert.True(_gatherer.ExpectMsg<PartitionSucceeded>(Wait).AwaitsEnd);
            return other.ExpectMsg<TensorsSent>(Wait).Values[0]!;
        }

        var first = Sent(1, 1f);
        var second = Sent(2, 5f);
        Assert.NotSame(first, second);
        Assert.All(first.ToArray<float>(), v => Assert.Equal(2f, v));
        _worker.Tell(new EndStep(1));
        _worker.Tell(new EndStep(2));
        var third = Sent(3, 7f);
        Assert.True(ReferenceEquals(third, first) || ReferenceEquals(third, second));
        Assert.All(third.ToArray<float>(), v => Assert.Equal(14f, v));
        // Aborted rather than ended: nobody can say when the other worker is done with it.
        _worker.Tell(new AbortStep(3));
        _worker.Tell(new EndStep(3));
        var fourth = Sent(4, 3f);
        Assert.NotSame(third, fourth);
        Assert.All(third.ToArray<float>(), v => Assert.Equal(14f, v));
    }

    private static OperationDef Def(string name, string type, string[] inputs, params AttrDef[] attrs) =>
        new(name, type, inputs, [], "", attrs);

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
