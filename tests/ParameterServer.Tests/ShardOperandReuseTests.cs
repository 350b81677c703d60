using ActorGraph.Messaging.Channel;
using ActorGraph.Execution;
using ActorGraph.Messaging;
using ActorGraph.Transport;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests;

// A shard gives the channel back the gradients it applied, and the channel receives the next tensors into them:
// nothing of the shard's state may live in those arrays. Messages are not serialized here between actors (unlike
// the other suites), as on a node: the shard gets the very arrays the channel received into.
public sealed class ShardOperandReuseTests() : TestKit(ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(ActorGraphSerialization.Hocon))
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly Peer From = new("worker", new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1));

    [Fact]
    public void A_shard_keeps_a_value_it_was_assigned_when_the_channel_receives_into_the_same_array_again()
    {
        var channel = BulkChannel.Get(Sys);
        var shard = Sys.ActorOf(ShardActor.Props(0));
        var values = Enumerable.Range(0, 32 * 1024).Select(i => (float)i).ToArray();
        var assign = new ApplyUpdates(1, [new WireUpdate(UpdateKind.Assign, "w", [], [NDArray.FromArray(values, new Shape(values.Length))])], Wanted: []);
        channel.Received(From, FrameBeside(channel, shard, TestActor, assign, out var received));
        Assert.Equal(1, ExpectMsg<UpdatesApplied>(Wait).StepId);
        // Answered after the batch is applied and its operands given back (one message at a time).
        shard.Tell(new ReadVariables(2, ["w"]));
        Assert.Equal(values, ExpectMsg<VariablesRead>(Wait).Values[0]!.ToArray<float>());

        // The shard gave the operand back: the next tensor of its shape lands in it, and must not change w.
        var reused = channel.Destination(From, 2, 2, DType.Float32, received[0].Shape)!;
        Assert.Same(received[0].RawArray, reused.RawArray);
        reused.Bytes.Fill(0xFF);
        shard.Tell(new ReadVariables(3, ["w"]));
        Assert.Equal(values, ExpectMsg<VariablesRead>(Wait).Values[0]!.ToArray<float>());
    }

    [Fact]
    public void A_shard_answers_a_sender_in_its_process_only_once_it_is_done_with_the_operands()
    {
        // In-process a worker lends its kernels' buffers until the answer, and may write them again at once. This
        // sender writes its operand the moment the answer reaches it, on the shard's own thread (a calling-thread
        // dispatcher): an answer sent before the shard copied the operand would leave the variable with the new bytes.
        var shard = Sys.ActorOf(ShardActor.Props(0));
        float[] values = [1, 2, 3, 4];
        var operand = NDArray.FromArray((float[])values.Clone(), new Shape(values.Length));
        var worker = Sys.ActorOf(Props.Create(() => new OperandWriter(operand, TestActor)).WithDispatcher(CallingThreadDispatcher.Id));
        shard.Tell(new ApplyUpdates(1, [new WireUpdate(UpdateKind.Assign, "w", [], [operand])], Wanted: []), worker);
        ExpectMsg<UpdatesApplied>(Wait);

        shard.Tell(new ReadVariables(2, ["w"]));
        Assert.Equal(values, ExpectMsg<VariablesRead>(Wait).Values[0]!.ToArray<float>());
    }

    private sealed class OperandWriter : ReceiveActor
    {
        public OperandWriter(NDArray operand, IActorRef report) => Receive<UpdatesApplied>(m =>
        {
            operand.Bytes.Fill(0xFF);
            report.Tell(m);
        });
    }

    // As BulkChannel.Tell writes it, with the large tensors beside the payload, received into arrays of the channel.
    private static TensorFrame FrameBeside(BulkChannel channel, IActorRef target, IActorRef sender, IBulkMessage message, out NDArray[] received)
    {
        var aside = new List<NDArray>();
        byte[] payload;
        using (OutOfBandTensors.Collect(aside)) payload = ActorGraphSerializer.Serialize(message);
        var header = ActorGraphSerializer.Serialize(new BulkHeader(target.Path.ToSerializationFormat(), sender.Path.ToSerializationFormat(),
            MessageTypes.ManifestOf(message.GetType()), payload.Length));
        received = aside.Select((tensor, i) =>
        {
            var into = channel.Destination(From, 1, 2 + i, tensor.DType, tensor.Shape)!;
            tensor.Bytes.CopyTo(into.Bytes);
            return into;
        }).ToArray();
        return new TensorFrame(1, [.. Enumerable.Range(0, 2 + received.Length)], [Words(header), Words(payload), .. received]);
    }
}
