using System.Net;
using ActorGraph.Transport.Tests.Support;
using Xunit;

namespace ActorGraph.Transport.Tests;

// Two real processes on loopback: this one and the test assembly run as a peer program.
public class ProcessTests
{
    [Fact]
    public async Task Every_dtype_and_shape_crosses_to_another_process_and_back_bit_exact()
    {
        var inbox = new TensorInbox();
        await using var listener = TensorListener.Start(Loopback.Options("tests"), inbox);
        using var peer = PeerProcess.Start("echo", listener.EndPoint.Port);
        int port = await peer.ReadyAsync();
        await using var sender = await TensorSender.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), Loopback.Options("tests")).Within();
        var samples = Tensors.Samples().Cast<NDArray?>().Append(null).Append(Tensors.Floats(4 << 20)).ToList();
        for (int i = 0; i < samples.Count; i++) await sender.SendAsync(1, i, samples[i]).Within();
        await sender.SendAsync(2, Enumerable.Range(0, samples.Count).ToList(), samples).Within();

        foreach (long step in (long[])[1, 2])
            for (int i = 0; i < samples.Count; i++)
                Tensors.AssertBitExact(samples[i], await inbox.ReceiveAsync(step, i, "echo-peer").Within());
    }

    [Fact]
    public async Task A_peer_process_killed_mid_stream_fails_the_receives_waiting_on_it_naming_it()
    {
        var inbox = new TensorInbox();
        var sink = new CountingSink(inbox);
        await using var listener = TensorListener.Start(Loopback.Options("tests"), sink);
        using var peer = PeerProcess.Start("flood", listener.EndPoint.Port);
        await peer.ReadyAsync();
        var waiting = inbox.ReceiveAsync(-1, 0, "flood-peer");
        await sink.Streaming.Task.Within();
        peer.Kill();

        var failed = await Assert.ThrowsAsync<UnavailableException>(() => waiting.Within());
        Assert.Contains("flood-peer", failed.Message);
        Assert.Contains("127.0.0.1", failed.Message);
    }

    private sealed class CountingSink(TensorInbox inbox) : ITensorSink
    {
        public TaskCompletionSource Streaming { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Received(Peer from, TensorFrame frame)
        {
            Streaming.TrySetResult();
            inbox.Forget(frame.StepId);   // keep nothing: the flood is only there to be cut
        }

        public void Disconnected(Peer peer, Exception? error) => inbox.Disconnected(peer, error);
    }
}
