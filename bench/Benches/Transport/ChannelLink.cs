using System.Net;
using ActorGraph.Transport;

namespace ActorGraph.Bench.Benches.Transport;

// The tensor channel: frames to the server's listener, acks and echoes back on the server's own channel to ours.
// Steps are numbered per link from a different base, as both links' replies share one inbox.
public sealed class ChannelLink(string name, TensorSender sender, TensorInbox inbox, string peer) : ILink
{
    private static long _bases;
    private long _step = Interlocked.Increment(ref _bases) << 40;

    public string Name => name;

    public static async Task<ChannelLink> ConnectAsync(string name, int port, TransportOptions options, TensorInbox inbox, string peer) =>
        new(name, await TensorSender.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), options), inbox, peer);

    public Task TransferAsync(NDArray tensor, int count, int inFlight) =>
        Window.RunAsync(count, inFlight, async _ =>
        {
            long step = Interlocked.Increment(ref _step);
            var ack = inbox.ReceiveAsync(step, Edges.Bulk, peer);
            await sender.SendAsync(step, Edges.Bulk, tensor);
            await ack;
        });

    public async Task PingAsync(NDArray tensor, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long step = ++_step;
            var echo = inbox.ReceiveAsync(step, Edges.Ping, peer);
            await sender.SendAsync(step, Edges.Ping, tensor);
            await echo;
        }
    }

    public async Task<long> PeerAllocatedAsync()
    {
        long step = ++_step;
        var answer = inbox.ReceiveAsync(step, Edges.Stats, peer);
        await sender.SendAsync(step, Edges.Stats, null);
        return (await answer)!.ToScalar<long>();
    }

    public ValueTask DisposeAsync() => sender.DisposeAsync();
}
