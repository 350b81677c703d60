using System.Net;
using System.Net.Sockets;
using ActorGraph.Transport.Tests.Support;
using ActorGraph.Transport.Wire;
using Xunit;

namespace ActorGraph.Transport.Tests;

// Peers that vanish: nothing hangs, and every error names who went.
public class LossTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sender_vanishing_mid_frame_fails_the_receives_waiting_on_it_naming_it(bool reset)
    {
        var inbox = new TensorInbox();
        var sink = new ForwardingSink(inbox);
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        var (socket, _) = await Loopback.HandshakenAsync(listener.EndPoint, "vanisher");
        var waiting = inbox.ReceiveAsync(1, 1, "vanisher");
        var frame = RawFrames.Tensor(1, 1, Tensors.Floats(1 << 18));
        await socket.SendAllAsync(frame.AsMemory(0, frame.Length / 2));
        if (reset) socket.LingerState = new LingerOption(true, 0);   // an abortive close, as a crashed host's RST
        socket.Dispose();

        var failed = await Assert.ThrowsAsync<UnavailableException>(() => waiting.Within());
        Assert.Contains("vanisher", failed.Message);
        Assert.Contains("127.0.0.1", failed.Message);
        var (peer, error) = await sink.Lost.Task.Within();
        Assert.Equal("vanisher", peer.Name);
        Assert.Contains("vanisher", error!.Message);
        if (!reset) Assert.Contains("mid-frame", error.Message);   // a reset may reach the reader before the half frame does
        await Assert.ThrowsAsync<UnavailableException>(() => inbox.ReceiveAsync(1, 2, "vanisher").Within());
    }

    [Fact]
    public async Task A_sender_closing_without_a_goodbye_between_frames_is_reported_lost()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        var (socket, _) = await Loopback.HandshakenAsync(listener.EndPoint, "quitter");
        await socket.SendAllAsync(RawFrames.Tensor(1, 1, NDArray.Scalar(3)));
        socket.Dispose();
        var (_, error) = await sink.Disconnection.Task.Within();
        Assert.Contains("quitter", Assert.IsType<UnavailableException>(error).Message);
        Assert.Contains("without a goodbye", error.Message);
        Assert.Single(sink.Frames);
    }

    [Fact]
    public async Task A_send_to_a_receiver_that_vanished_fails_naming_it_instead_of_hanging()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen();
        var connecting = TensorSender.ConnectAsync(server.LocalEndPoint!, Loopback.Options("sender"));
        var accepted = await server.AcceptAsync().WaitAsync(Loopback.Wait);
        await Handshake.AcceptAsync(accepted, new SocketReader(accepted), Loopback.Options("doomed"), CancellationToken.None).Within();
        await using var sender = await connecting.Within();
        accepted.LingerState = new LingerOption(true, 0);
        accepted.Dispose();

        var failed = await Assert.ThrowsAsync<UnavailableException>(async () =>
        {
            for (int i = 0; i < 1000; i++) await sender.SendAsync(i, 1, Tensors.Floats(1 << 16)).Within();
        });
        Assert.Contains("doomed", failed.Message);
        Assert.True(sender.IsClosed);
    }

    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_fails_as_unavailable()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var unused = probe.LocalEndPoint!;
        probe.Dispose();
        var failed = await Assert.ThrowsAsync<UnavailableException>(() => TensorSender.ConnectAsync(unused, Loopback.Options("sender")).Within());
        Assert.Contains(unused.ToString()!, failed.Message);
    }

    private sealed class ForwardingSink(TensorInbox inbox) : ITensorSink
    {
        public TaskCompletionSource<(Peer, Exception?)> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Received(Peer from, TensorFrame frame) => inbox.Received(from, frame);

        public void Disconnected(Peer peer, Exception? error)
        {
            inbox.Disconnected(peer, error);
            Lost.TrySetResult((peer, error));
        }
    }
}
