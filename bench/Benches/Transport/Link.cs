namespace ActorGraph.Bench.Benches.Transport;

// One way of moving tensors to the serving process, measured the same way for every transport.
public interface ILink : IAsyncDisposable
{
    string Name { get; }

    // Sends `count` bulk tensors, at most `inFlight` not yet acknowledged by the peer.
    Task TransferAsync(NDArray tensor, int count, int inFlight);

    // `count` sequential round trips of a small tensor the peer sends back.
    Task PingAsync(NDArray tensor, int count);

    // What the serving process has allocated so far (GC.GetTotalAllocatedBytes there).
    Task<long> PeerAllocatedAsync();
}

// What a frame's edge asks of the server.
public static class Edges
{
    public const int Bulk = 1;   // acknowledge with a control edge
    public const int Ping = 2;   // send the tensor back
    public const int Stats = 3;  // answer with the bytes allocated so far
}

public static class Window
{
    // The shape of a pipelined transfer: start a send, and before the (inFlight+1)th wait for the oldest ack.
    public static async Task RunAsync(int count, int inFlight, Func<long, Task> sendAndAwaitAck)
    {
        var open = new Queue<Task>();
        for (long i = 0; i < count; i++)
        {
            if (open.Count == inFlight) await open.Dequeue();
            open.Enqueue(sendAndAwaitAck(i));
        }
        while (open.Count > 0) await open.Dequeue();
    }
}
