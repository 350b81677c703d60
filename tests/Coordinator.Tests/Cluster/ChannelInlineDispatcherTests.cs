using ActorGraph.Messaging.Channel;
using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using ActorGraph.Transport;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A node's coordinator and worker run on the thread of the tensor channel that brings their messages (no thread
// hop per step message), and never on anyone else's: a timer or Akka.Remote's reader must not wait for a step.
public sealed class ChannelInlineDispatcherTests() : TestKit(InlineDispatcher.Hocon.WithFallback(ActorGraphSerialization.Hocon))
{
    private static readonly Peer From = new("client", new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1));

    private sealed record RanOn(int Thread, bool Delivering);

    // Says where it ran; with a `next`, passes the message on first (as a worker answers its step's gatherer).
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(IActorRef report, IActorRef? next) => Receive<ReadVariables>(m =>
        {
            next?.Tell(m);
            report.Tell(new RanOn(Environment.CurrentManagedThreadId, BulkChannel.IsDelivering));
        });
    }

    // Started and idle: an actor whose mailbox is busy (here, still with its creation on a pool thread) takes a message
    // on the thread that is running it, which is the dispatcher's one-at-a-time rule, not what these tests are about.
    private IActorRef OnChannelDispatcher(IActorRef? next = null)
    {
        var actor = Sys.ActorOf(Props.Create(() => new Recorder(TestActor, next)).WithDispatcher(InlineDispatcher.OnChannelPath));
        actor.Tell(new Identify(null));
        ExpectMsg<ActorIdentity>(TestConfig.Wait);
        AwaitCondition(() => !Scheduled(actor), TestConfig.Wait);
        return actor;
    }

    // Whether the actor's mailbox is still queued on or running on a thread (Akka keeps IsScheduled internal).
    private static bool Scheduled(IActorRef actor)
    {
        var mailbox = ((ActorCell)((ActorRefWithCell)actor).Underlying).Mailbox;
        return (bool)typeof(Akka.Dispatch.Mailbox).GetMethod("IsScheduled", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .Invoke(mailbox, null)!;
    }

    [Fact]
    public void A_message_from_the_channel_runs_its_actor_on_the_receiving_thread()
    {
        var actor = OnChannelDispatcher();
        BulkChannel.Get(Sys).Received(From, Frame(actor, 7));

        var ran = ExpectMsg<RanOn>(TestConfig.Wait);
        Assert.Equal(Environment.CurrentManagedThreadId, ran.Thread);
        Assert.True(ran.Delivering);
    }

    [Fact]
    public void What_that_actor_sends_on_runs_there_too()
    {
        var gatherer = OnChannelDispatcher();
        var worker = OnChannelDispatcher(next: gatherer);
        BulkChannel.Get(Sys).Received(From, Frame(worker, 7));

        var first = ExpectMsg<RanOn>(TestConfig.Wait);
        var second = ExpectMsg<RanOn>(TestConfig.Wait);
        Assert.All([first, second], ran => Assert.Equal(Environment.CurrentManagedThreadId, ran.Thread));
    }

    [Fact]
    public void A_message_from_any_other_thread_goes_through_the_thread_pool()
    {
        var actor = OnChannelDispatcher();
        actor.Tell(new ReadVariables(7, ["w"]));

        var ran = ExpectMsg<RanOn>(TestConfig.Wait);
        Assert.NotEqual(Environment.CurrentManagedThreadId, ran.Thread);
        Assert.False(ran.Delivering);
    }

    // As BulkChannel.Tell writes it: the header, then the payload, each as int32 words.
    private static TensorFrame Frame(IActorRef target, long step)
    {
        var payload = ActorGraphSerializer.Serialize(new ReadVariables(step, ["w"]));
        var header = ActorGraphSerializer.Serialize(new BulkHeader(target.Path.ToSerializationFormat(), "", nameof(ReadVariables), payload.Length));
        return new TensorFrame(0, [0, 1], [Words(header), Words(payload)]);
    }

    private static NDArray Words(byte[] bytes)
    {
        var ints = new int[(bytes.Length + 3) / 4];
        Buffer.BlockCopy(bytes, 0, ints, 0, bytes.Length);
        return NDArray.FromArray(ints, new Shape(ints.Length));
    }
}
