using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using ActorGraph.Transport.Tests.Support;
using Xunit;

namespace ActorGraph.Transport.Tests;

// Only peers holding the cluster's name and shared secret get a channel.
public class HandshakeTests
{
    [Fact]
    public async Task A_listener_binds_loopback_unless_told_otherwise()
    {
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), new RecordingSink());
        Assert.Equal(IPAddress.Loopback, listener.EndPoint.Address);
    }

    [Fact]
    public async Task A_sender_with_another_secret_is_refused_and_the_listener_says_who()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        var refused = await Assert.ThrowsAsync<AuthenticationException>(() =>
            TensorSender.ConnectAsync(listener.EndPoint, Loopback.Options("intruder", secret: RandomNumberGenerator.GetBytes(32))).Within());
        Assert.Contains("refused the handshake", refused.Message);
        var (_, error) = await sink.Refusal.Task.Within();
        Assert.Contains("intruder", error.Message);
        Assert.Contains("failed to prove", error.Message);
        Assert.False(sink.Connection.Task.IsCompleted);
    }

    [Fact]
    public async Task A_peer_without_the_secret_is_refused_before_any_of_its_frames_is_read()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        using var socket = await Loopback.ConnectRawAsync(listener.EndPoint);
        var hello = Handshake.Hello(Loopback.Options("intruder", secret: new byte[32]), Handshake.ConnectorRole);
        var guessedProof = new byte[HMACSHA256.HashSizeInBytes];
        await socket.SendAllAsync((byte[])[.. hello, .. guessedProof, .. RawFrames.Tensor(1, 1, NDArray.Scalar(666))]);

        var (address, error) = await sink.Refusal.Task.Within();
        Assert.IsType<AuthenticationException>(error);
        Assert.Equal(socket.LocalEndPoint, address);
        await socket.ReadToEndAsync();   // the listener hangs up
        Assert.True(sink.Frames.IsEmpty);
        Assert.False(sink.Connection.Task.IsCompleted);
    }

    [Fact]
    public async Task A_node_of_another_cluster_is_refused_on_both_ends_with_both_names()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        var refused = await Assert.ThrowsAsync<AuthenticationException>(() =>
            TensorSender.ConnectAsync(listener.EndPoint, Loopback.Options("stranger", cluster: "other")).Within());
        Assert.Contains("'actorgraph', not 'other'", refused.Message);
        var (_, error) = await sink.Refusal.Task.Within();
        Assert.Contains("'other', not 'actorgraph'", error.Message);
    }

    [Fact]
    public async Task A_sender_refuses_a_listener_that_cannot_prove_the_secret()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen();
        var connecting = TensorSender.ConnectAsync(server.LocalEndPoint!, Loopback.Options("sender"));
        using var impostor = await server.AcceptAsync().WaitAsync(Loopback.Wait);
        var reader = new SocketReader(impostor);
        await Handshake.ReadHelloAsync(reader, Handshake.ConnectorRole, impostor.RemoteEndPoint!, CancellationToken.None).Within();
        await impostor.SendAllAsync(Handshake.Hello(Loopback.Options("impostor"), Handshake.ListenerRole));
        await reader.ReadExactlyAsync(new byte[HMACSHA256.HashSizeInBytes], CancellationToken.None).AsTask().Within();
        await impostor.SendAllAsync(new byte[HMACSHA256.HashSizeInBytes]);

        var refused = await Assert.ThrowsAsync<AuthenticationException>(() => connecting.Within());
        Assert.Contains("impostor", refused.Message);
        Assert.Contains("failed to prove", refused.Message);
    }

    [Fact]
    public async Task A_peer_that_says_nothing_is_refused_after_the_handshake_timeout()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver") with { HandshakeTimeout = TimeSpan.FromMilliseconds(200) }, sink);
        using var socket = await Loopback.ConnectRawAsync(listener.EndPoint);
        var (_, error) = await sink.Refusal.Task.Within();
        Assert.Contains("did not complete the handshake within 0.2 s", error.Message);
    }

    [Fact]
    public async Task Connections_beyond_64_pending_handshakes_are_refused_at_once()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver") with { HandshakeTimeout = TimeSpan.FromSeconds(20) }, sink);
        var silent = new List<Socket>();
        try
        {
            for (int i = 0; i < 65; i++) silent.Add(await Loopback.ConnectRawAsync(listener.EndPoint));
            var (_, error) = await sink.Refusal.Task.Within();
            Assert.Contains("64 handshakes are already pending", error.Message);
        }
        finally
        {
            foreach (var socket in silent) socket.Dispose();
        }
    }

    [Fact]
    public async Task Something_that_is_not_a_tensor_channel_is_refused()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        using var socket = await Loopback.ConnectRawAsync(listener.EndPoint);
        await socket.SendAllAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray().Concat(new byte[64]).ToArray());
        var (_, error) = await sink.Refusal.Task.Within();
        Assert.Contains("not an ActorGraph tensor channel peer", error.Message);
    }

    [Fact]
    public void A_short_secret_or_a_missing_name_is_rejected_up_front()
    {
        Assert.Contains("at least 16 bytes", Assert.Throws<ArgumentException>(() => TensorListener.Start(Loopback.Options("r", secret: new byte[8]), new RecordingSink())).Message);
        Assert.Contains("ClusterName", Assert.Throws<ArgumentException>(() => TensorListener.Start(Loopback.Options("r", cluster: ""), new RecordingSink())).Message);
    }
}
