using System.Net;
using ActorGraph.Transport;
using Akka.Actor;

namespace ActorGraph.Bench.Benches.Transport;

// `transport --serve`: the far process. Echoes on two tensor-channel listeners (one receiving into fresh
// arrays, one into a TensorPool's) back to the parent's listener, and on an Akka.Remote actor; prints
// "ready <channel port> <pooled channel port> <akka port>" and exits when stdin closes.
public static class Serve
{
    public const string SecretVariable = "ACTORGRAPH_BENCH_SECRET";
    public const string NodeName = "bench-serve";

    public static async Task RunAsync(int parentPort)
    {
        var options = TransportBench.ChannelOptions(NodeName, Convert.FromHexString(Environment.GetEnvironmentVariable(SecretVariable)
            ?? throw new InvalidOperationException($"--serve needs the channel secret in {SecretVariable}")));
        await using var back = await TensorSender.ConnectAsync(new IPEndPoint(IPAddress.Loopback, parentPort), options);
        await using var fresh = TensorListener.Start(options, new EchoSink(back, null));
        await using var pooled = TensorListener.Start(options, new EchoSink(back, new TensorPool()));
        using var system = ActorSystem.Create("bench-serve", AkkaLink.Hocon);
        system.ActorOf(Props.Create(() => new EchoActor()), "echo");
        int akkaPort = ((ExtendedActorSystem)system).Provider.DefaultAddress.Port ?? 0;
        Console.WriteLine($"ready {fresh.EndPoint.Port} {pooled.EndPoint.Port} {akkaPort}");
        await Task.WhenAny(Task.Run(() => Console.In.ReadToEnd()), back.Closed);
        await system.Terminate();
    }

    // Replies from the receive loop itself: the send is usually done before the callback returns. With a
    // pool, a bulk tensor's buffer goes back once acknowledged, as a worker would return it after its step.
    private sealed class EchoSink(TensorSender back, TensorPool? pool) : ITensorSink
    {
        public NDArray? Destination(Peer from, long stepId, int edge, DType dtype, Shape shape) => pool?.Rent(dtype, shape);

        public void Received(Peer from, TensorFrame frame)
        {
            var reply = frame.Edges[0] switch
            {
                Edges.Ping => back.SendAsync(frame.StepId, Edges.Ping, frame.Values[0]),
                Edges.Stats => back.SendAsync(frame.StepId, Edges.Stats, NDArray.Scalar(GC.GetTotalAllocatedBytes())),
                _ => back.SendAsync(frame.StepId, frame.Edges[0], null),
            };
            if (frame.Edges[0] == Edges.Bulk) pool?.Return(frame.Values[0]);
            if (!reply.IsCompletedSuccessfully) _ = Observe(reply);
        }

        private static async Task Observe(ValueTask reply)
        {
            try
            {
                await reply;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"serve: reply failed: {e.Message}");
            }
        }

        public void Disconnected(Peer peer, Exception? error)
        {
            if (error is not null) Console.Error.WriteLine($"serve: {error.Message}");
        }
    }
}
