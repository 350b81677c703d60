using System.Net;
using System.Net.Sockets;
using ActorGraph.Transport.Tests.Support;
using ActorGraph.Transport.Wire;
using Xunit;

namespace ActorGraph.Transport.Tests;

// Partial reads and writes, and frames that break the protocol.
public class FramingTests
{
    [Fact]
    public async Task Frames_dribbled_one_byte_at_a_time_arrive_whole()
    {
        var inbox = new TensorInbox();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), inbox);
        var (socket, _) = await Loopback.HandshakenAsync(listener.EndPoint, "dribbler");
        using var _socket = socket;
        var single = Tensors.Random(DType.Float32, new Shape(3, 5), new Random(1));
        var first = Tensors.Random(DType.Int64, new Shape(2), new Random(2));
        var second = Tensors.Random(DType.Bool, new Shape(3), new Random(3));
        byte[] bytes = [.. RawFrames.Tensor(4, 1, single), .. RawFrames.Batch(4, (2, first), (3, null), (4, second))];
        for (int i = 0; i < bytes.Length; i++)
        {
            await socket.SendAllAsync(bytes.AsMemory(i, 1));
            await Task.Delay(i % 8 == 0 ? 1 : 0);   // let the receiver see most bytes on their own
        }
        Tensors.AssertBitExact(single, await inbox.ReceiveAsync(4, 1, "dribbler").Within());
        Tensors.AssertBitExact(first, await inbox.ReceiveAsync(4, 2, "dribbler").Within());
        Assert.Null(await inbox.ReceiveAsync(4, 3, "dribbler").Within());
        Tensors.AssertBitExact(second, await inbox.ReceiveAsync(4, 4, "dribbler").Within());
    }

    [Fact]
    public async Task A_frame_taken_by_a_reader_that_dribbles_is_written_whole()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen();
        var big = Tensors.Floats(64 * 1024);
        var options = Loopback.Options("sender") with { SocketBufferBytes = 4096 };   // the kernel takes each send in pieces
        var connecting = TensorSender.ConnectAsync(server.LocalEndPoint!, options);
        using var accepted = await server.AcceptAsync().WaitAsync(Loopback.Wait);
        // The sender writes nothing before the handshake ends, so the reader holds no frame bytes after it.
        await Handshake.AcceptAsync(accepted, new SocketReader(accepted), Loopback.Options("slow"), CancellationToken.None).Within();
        await using var sender = await connecting.Within();
        var sending = sender.SendAsync(8, 2, big).AsTask();

        var expected = RawFrames.Tensor(8, 2, big);
        var received = new byte[expected.Length];
        var random = new Random(5);
        for (int at = 0, reads = 0; at < received.Length; reads++)
        {
            int most = at < 4096 ? 1 : random.Next(1, 8192);   // one byte at a time through the header and beyond
            at += await accepted.ReceiveAsync(received.AsMemory(at, Math.Min(most, received.Length - at)), SocketFlags.None).AsTask().WaitAsync(Loopback.Wait);
            if (reads % 256 == 0) await Task.Delay(1);
        }
        await sending.Within();
        Assert.True(expected.AsSpan().SequenceEqual(received), "the frame on the wire differs from the tensor's encoding");
    }

    public static TheoryData<string, byte[], string> Malformed()
    {
        byte[] Valid() => RawFrames.Tensor(1, 1, Tensors.Random(DType.Float32, new Shape(2, 3), new Random(1)));
        byte[] With(Action<byte[]> change) { var b = Valid(); change(b); return b; }
        var longer = Valid();
        RawFrames.SetPayloadLength(longer, longer.Length - FrameHeader.Size + 8);
        var flag = Tensors.Random(DType.Bool, new Shape(4), new Random(1));
        flag.Bytes[2] = 7;
        return new()
        {
            { "bad magic", With(b => b[0] ^= 0xFF), "bad magic" },
            { "unknown version", With(b => b[4] = 9), "version 9 is not supported" },
            { "unknown kind", With(b => b[5] = 77), "unknown frame kind 77" },
            { "reserved bits", With(b => b[6] = 1), "reserved bits" },
            { "negative length", With(b => RawFrames.SetPayloadLength(b, -5)), "negative payload length" },
            { "unknown dtype", With(b => b[FrameHeader.Size] = 42), "unknown dtype code 42" },
            { "rank too high", With(b => b[FrameHeader.Size + 1] = 255), "rank 255 exceeds" },
            { "negative dimension", With(b => RawFrames.SetDim(b, 0, -2)), "dimension 0 is -2" },
            { "dims larger than the frame", With(b => RawFrames.SetDim(b, 1, 300)), "needs 2400 bytes, but the frame has 24 left" },
            { "length beyond the tensor", [.. longer, .. new byte[8]], "the tensor holds 36" },
            { "bool neither 0 nor 1", RawFrames.Tensor(1, 1, flag), "neither 0 nor 1" },
            { "a refusal from a sender", [.. RawFrames.Header(FrameKind.Refused, 0, 0, 2), 0x68, 0x69], "may not send a Refused frame" },
            { "a batch too long for its bytes", RawFrames.Header(FrameKind.Batch, 1, 1000, 0), "a batch of 1000 entries cannot fit in 0 bytes" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_frame_closes_the_connection_with_a_clear_error_on_both_ends(string name, byte[] frame, string why)
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        var (socket, _) = await Loopback.HandshakenAsync(listener.EndPoint, "mangler");
        using var _socket = socket;
        await socket.SendAllAsync(frame);

        Assert.Contains(why, RawFrames.Refusal(await socket.ReadToEndAsync()));
        socket.Close();   // as a TensorSender does on a refusal: the listener stops draining
        var (peer, error) = await sink.Disconnection.Task.Within();
        Assert.Equal("mangler", peer.Name);
        var unavailable = Assert.IsType<UnavailableException>(error);
        Assert.Contains("mangler", unavailable.Message);
        Assert.Contains(why, unavailable.Message);
        Assert.True(sink.Frames.IsEmpty, $"{name}: nothing of the frame is delivered");
    }

    [Fact]
    public async Task A_sender_learns_why_the_receiver_refused_its_frame()
    {
        await using var pair = await Pair.OpenAsync();
        var flag = NDArray.Zeros(DType.Bool, new Shape(2));
        flag.Bytes[0] = 2;   // a bool no kernel produces
        await pair.Sender.SendAsync(1, 1, flag).Within();
        await pair.Sender.Closed.Within();
        var failed = await Assert.ThrowsAsync<UnavailableException>(() => pair.Sender.SendAsync(2, 1, NDArray.Scalar(1f)).Within());
        Assert.Contains("receiver", failed.Message);
        Assert.Contains("refused the channel", failed.Message);
        Assert.Contains("neither 0 nor 1", failed.Message);
    }
}
