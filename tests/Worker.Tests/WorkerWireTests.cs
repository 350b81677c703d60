using ActorGraph.Messaging;
using ActorGraph.Wire;
using Xunit;

namespace ActorGraph.Worker.Tests;

// The coordinator's messages to a worker cross the wire whole (a worker node gets them by Akka.Remote).
public class WorkerWireTests
{
    private static T RoundTrip<T>(T message) where T : IActorGraphMessage =>
        (T)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(message), MessageTypes.ManifestOf(typeof(T)));

    [Fact]
    public void A_partition_s_stages_keep_every_feed_receive_send_and_fetch()
    {
        var stage = new PartitionStage(
            [new OperationDef("a", "Neg", ["_Recv/b_0/w0s1:0"], ["_Recv/c/ctl/w0s1"], "", [])], ["a", "_Send/a_0/w1"],
            [new StageFeed("x:0", 2), new StageFeed("_Feed/y_0:0", 0)],
            [new StageRecv("_Recv/b_0/w0s1:0", 4), new StageRecv("", 5)],
            [new StageSend("a:0", 6, 1), new StageSend("", 7, 0)],
            [new StageFetch("a:0", 3)]);
        var registration = new RegisterPartition(9, [stage, stage with { Roots = [] }], ["w"], [1], [[], [0]], ["ps0", "ps1"], ["w0", "w1"], 3, true, 1);

        var back = RoundTrip(registration);

        Assert.Equal(2, back.Stages.Length);
        var first = back.Stages[0];
        Assert.Equal(stage.Feeds, first.Feeds);
        Assert.Equal(stage.Recvs, first.Recvs);
        Assert.Equal(stage.Sends, first.Sends);
        Assert.Equal(stage.Fetches, first.Fetches);
        Assert.Equal(stage.Roots, first.Roots);
        Assert.Equal(stage.Ops[0].ControlInputs, first.Ops[0].ControlInputs);
        Assert.Empty(back.Stages[1].Roots);
        Assert.Equal((9L, 3, true, 1), (back.PlanId, back.FeedCount, back.KeepsUpdateOutputs, back.Task));
        Assert.Equal([0], back.Reads[1]);
    }
}
