using ActorGraph.Messaging;
using ActorGraph.Worker;
using Akka.Actor;
using Akka.Configuration;
using MessagePack;

namespace ActorGraph.Bench.Benches.Transport;

[MessagePackObject]
public sealed record TransferAcked([property: Key(0)] long StepId) : IActorGraphMessage;

[MessagePackObject]
public sealed record AllocationsRequested([property: Key(0)] long StepId) : IActorGraphMessage;

[MessagePackObject]
public sealed record AllocationsReported([property: Key(0)] long Bytes) : IActorGraphMessage;

// The baseline: today's TensorsSent message over Akka.Remote with the project's MessagePack serializer.
public sealed class AkkaLink(ActorSystem system, IActorRef echo) : ILink
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private long _step;

    public string Name => "akka-remote";

    // Frames and socket buffers raised as FACTS.md found needed: the 128000-byte default frame cannot carry 1 MiB.
    public static Config Hocon { get; } = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          actor.provider = remote
          remote.dot-netty.tcp {
            hostname = 127.0.0.1
            port = 0
            maximum-frame-size = 33554432b
            send-buffer-size = 8388608b
            receive-buffer-size = 8388608b
          }
        }
        """).WithFallback(ActorGraphSerialization.Hocon);

    public static async Task<AkkaLink> ConnectAsync(int port)
    {
        var system = ActorSystem.Create("bench-client", Hocon);
        var echo = await system.ActorSelection($"akka.tcp://bench-serve@127.0.0.1:{port}/user/echo").ResolveOne(TimeSpan.FromSeconds(20));
        return new AkkaLink(system, echo);
    }

    public Task TransferAsync(NDArray tensor, int count, int inFlight) =>
        Window.RunAsync(count, inFlight, _ =>
            echo.Ask<TransferAcked>(new TensorsSent(Interlocked.Increment(ref _step), 0, [Edges.Bulk], [tensor]), Timeout));

    public async Task PingAsync(NDArray tensor, int count)
    {
        for (int i = 0; i < count; i++)
            await echo.Ask<TensorsSent>(new TensorsSent(++_step, 0, [Edges.Ping], [tensor]), Timeout);
    }

    public async Task<long> PeerAllocatedAsync() =>
        (await echo.Ask<AllocationsReported>(new AllocationsRequested(++_step), Timeout)).Bytes;

    public async ValueTask DisposeAsync() => await system.Terminate();
}

// The server's end: acknowledges bulk tensors, sends pings back, reports its allocations.
public sealed class EchoActor : ReceiveActor
{
    public EchoActor()
    {
        Receive<TensorsSent>(m =>
        {
            if (m.Edges[0] == Edges.Ping) Sender.Tell(m);
            else Sender.Tell(new TransferAcked(m.StepId));
        });
        Receive<AllocationsRequested>(_ => Sender.Tell(new AllocationsReported(GC.GetTotalAllocatedBytes())));
    }
}
