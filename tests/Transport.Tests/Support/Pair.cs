namespace ActorGraph.Transport.Tests.Support;

// A listener with an inbox on "receiver" and a sender from "sender", over loopback in this process.
public sealed class Pair : IAsyncDisposable
{
    public TensorInbox Inbox { get; } = new();
    public TensorListener Listener { get; private set; } = null!;
    public TensorSender Sender { get; private set; } = null!;

    public static async Task<Pair> OpenAsync(Func<TransportOptions, TransportOptions>? receiver = null, Func<TransportOptions, TransportOptions>? sender = null)
    {
        var pair = new Pair();
        pair.Listener = TensorListener.Start((receiver ?? (o => o))(Loopback.Options("receiver")), pair.Inbox);
        pair.Sender = await TensorSender.ConnectAsync(pair.Listener.EndPoint, (sender ?? (o => o))(Loopback.Options("sender"))).Within();
        return pair;
    }

    public Task<NDArray?> ReceiveAsync(long step, int edge) => Inbox.ReceiveAsync(step, edge, "sender").Within();

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await Listener.DisposeAsync();
    }
}
