using ActorGraph.Messaging.Channel;
using ActorGraph.Execution;
using ActorGraph.Messaging;
using ActorGraph.Transport;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests;

// What a node does with a frame it received on its tensor channel.
public sealed class BulkChannelTests() : TestKit(ActorConfig)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly Peer From = new("client", new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1));

    [Fact]
    public void A_frame_that_cannot_be_read_is_refused_to_its_sender_with_the_reason()
    {
        var target = CreateTestProbe();
        var sender = CreateTestProbe();
        var garbage = new byte[] { 0xC1, 0xC1, 0xC1, 0xC1 };
        BulkChannel.Get(Sys).Received(From, Frame(target.Ref, sender.Ref, nameof(ReadVariables), garbage));

        var refused = sender.ExpectMsg<FrameRefused>(Wait);
        Assert.Equal(nameof(ReadVariables), refused.Manifest);
        Assert.False(string.IsNullOrWhiteSpace(refused.Reason));
        target.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_readable_frame_reaches_its_target_from_its_sender()
    {
        var target = CreateTestProbe();
        var sender = CreateTestProbe();
        var bytes = ActorGraphSerializer.Serialize(new ReadVariables(7, ["w"]));
        BulkChannel.Get(Sys).Received(From, Frame(target.Ref, sender.Ref, nameof(ReadVariables), bytes));

        Assert.Equal(7, target.ExpectMsg<ReadVariables>(Wait).StepId);
        Assert.Equal(sender.Ref, target.LastSender);
        sender.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_tensor_beside_a_payload_is_received_into_an_array_the_shard_gave_back()
    {
        var channel = BulkChannel.Get(Sys);
        var shape = new Shape(256, 256);
        var received = channel.Destination(From, 1, 2, DType.Float32, shape)!;
        channel.Recycle(received);

        Assert.Same(received.RawArray, channel.Destination(From, 2, 2, DType.Float32, shape)!.RawArray);
    }

    [Fact]
    public void An_array_the_channel_did_not_give_out_is_never_received_into()
    {
        // A kernel's buffer, say, that its worker writes again next step.
        var channel = BulkChannel.Get(Sys);
        var shape = new Shape(128, 512);
        var foreign = NDArray.Zeros(DType.Float32, shape);
        channel.Recycle(foreign);

        Assert.NotSame(foreign.RawArray, channel.Destination(From, 1, 2, DType.Float32, shape)!.RawArray);
    }

    // As BulkChannel.Tell writes it: the header, then the payload, each as int32 words.
    private static TensorFrame Frame(IActorRef target, IActorRef sender, string manifest, byte[] payload)
    {
        var header = ActorGraphSerializer.Serialize(new BulkHeader(target.Path.ToSerializationFormat(), sender.Path.ToSerializationFormat(), manifest, payload.Length));
        return new TensorFrame(0, [0, 1], [Words(header), Words(payload)]);
    }
}
