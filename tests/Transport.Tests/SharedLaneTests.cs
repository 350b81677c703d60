using ActorGraph.Transport.Tests.Support;
using ActorGraph.Transport.Wire;
using Xunit;

namespace ActorGraph.Transport.Tests;

// The shared-memory lane beside a channel between two ends on one machine: large tensors go through it
// and arrive bit for bit, around the ring many times over; when the receiver lags and the ring is full
// they go inline instead of waiting; a lane the receiver cannot open leaves the channel as it was; a
// frame that names a lane never set up, or a place outside it, is refused; no file is left behind.
public class SharedLaneTests
{
    private const int Lane = 1 << 20;

    private static Func<TransportOptions, TransportOptions> WithLane(int bytes = Lane) => o => o with { SharedMemoryLaneBytes = bytes };

    [Fact]
    public async Task Large_tensors_go_through_the_lane_many_times_around_it_and_arrive_bit_for_bit()
    {
        await using var pair = await Pair.OpenAsync(sender: WithLane());
        await WaitForLane(pair.Sender);
        var random = new Random(3);
        long sent = 0;
        for (int step = 1; step <= 40; step++)
        {
            // Sizes that do not divide the ring: tensors land across its end and skip its tail.
            var big = Tensors.Random(DType.Float32, new Shape(100_000 + 1_000 * step), random);
            var small = Tensors.Random(DType.Int32, new Shape(5), random);
            var doubles = Tensors.Random(DType.Float64, new Shape(9_000), random);
            await pair.Sender.SendAsync(step, [1, 2, 3], [big, small, doubles]).Within();
            sent += big.Length * 4L + doubles.Length * 8L;
            Tensors.AssertBitExact(big, await pair.ReceiveAsync(step, 1));
            Tensors.AssertBitExact(small, await pair.ReceiveAsync(step, 2));
            Tensors.AssertBitExact(doubles, await pair.ReceiveAsync(step, 3));
        }
        Assert.True(pair.Sender.UsesSharedMemory);
        Assert.Equal(sent, pair.Sender.SharedMemoryBytes);
        Assert.True(sent > 10L * Lane, "the test should wrap the ring many times");
        Assert.Empty(LaneFiles());
    }

    [Fact]
    public async Task When_the_receiver_lags_and_the_ring_is_full_tensors_go_inline_in_order()
    {
        var gate = new ManualResetEventSlim(false);
        var sink = new GatedSink(gate);
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        await using var sender = await TensorSender.ConnectAsync(listener.EndPoint, Loopback.Options("sender") with { SharedMemoryLaneBytes = Lane }).Within();
        await WaitForLane(sender);
        var random = new Random(5);
        var sent = Enumerable.Range(0, 8).Select(_ => Tensors.Random(DType.Float32, new Shape(100_000), random)).ToArray();
        // The receiver holds the first frame: the ring (1 MiB) takes the first two, the rest go inline.
        for (int i = 0; i < sent.Length; i++) await sender.SendAsync(i, 1, sent[i]).Within();
        Assert.True(sender.SharedMemoryBytes < sent.Length * 400_000L, "some tensors should have gone inline");
        Assert.True(sender.SharedMemoryBytes > 0);
        gate.Set();
        for (int i = 0; i < sent.Length; i++) Tensors.AssertBitExact(sent[i], await sink.Inbox.ReceiveAsync(i, 1, "sender").Within());
        // The ring is free again: the next one goes through it.
        long before = sender.SharedMemoryBytes;
        await sender.SendAsync(99, 1, sent[0]).Within();
        Tensors.AssertBitExact(sent[0], await sink.Inbox.ReceiveAsync(99, 1, "sender").Within());
        Assert.Equal(before + 400_000, sender.SharedMemoryBytes);
    }

    [Fact]
    public async Task A_batch_sent_copied_may_change_once_the_call_returns_and_arrives_as_it_was()
    {
        await using var pair = await Pair.OpenAsync(sender: WithLane());
        await WaitForLane(pair.Sender);
        var live = Tensors.Floats(100_000);
        var small = Tensors.Floats(10);
        var expected = live.Copy();
        Assert.True(pair.Sender.TrySendCopied(7, [1, 2], [small, live], out var sent));
        ((float[])live.RawArray).AsSpan().Fill(-1f);   // what a shard does with its live array at the next update
        await sent.Within();
        Tensors.AssertBitExact(small, await pair.ReceiveAsync(7, 1));
        Tensors.AssertBitExact(expected, await pair.ReceiveAsync(7, 2));

        // A tensor the ring cannot hold: nothing is sent, and the caller copies some other way.
        Assert.False(pair.Sender.TrySendCopied(8, [1], [Tensors.Floats(Lane)], out _));
        await pair.Sender.SendAsync(9, 1, small).Within();
        Tensors.AssertBitExact(small, await pair.ReceiveAsync(9, 1));
    }

    [Fact]
    public async Task A_sender_whose_peer_vanished_frees_its_ring()
    {
        var pair = await Pair.OpenAsync(sender: WithLane());
        await WaitForLane(pair.Sender);
        await pair.Sender.SendAsync(1, 1, Tensors.Floats(100_000)).Within();
        await pair.Listener.DisposeAsync();   // the peer is gone, as a killed process's would be
        await pair.Sender.Closed.Within();
        for (var deadline = DateTime.UtcNow + Loopback.Wait; pair.Sender.UsesSharedMemory; await Task.Delay(5))
            Assert.True(DateTime.UtcNow < deadline, "the closed channel kept its ring mapped");
        await Assert.ThrowsAsync<UnavailableException>(() => pair.Sender.SendAsync(2, 1, Tensors.Floats(100_000)).Within());
        await pair.Sender.DisposeAsync();
    }

    [Fact]
    public void A_ring_larger_than_the_room_in_dev_shm_is_not_made_and_leaves_no_file()
    {
        // Preallocated or not at all: a ring that fit only on paper would SIGBUS the process at its first touch.
        Assert.Null(SharedLane.Create(1L << 50));
        Assert.Empty(LaneFiles());
    }

    [Fact]
    public async Task Without_a_lane_option_every_byte_goes_through_the_socket()
    {
        await using var pair = await Pair.OpenAsync();
        var big = Tensors.Floats(200_000);
        await pair.Sender.SendAsync(1, 1, big).Within();
        Tensors.AssertBitExact(big, await pair.ReceiveAsync(1, 1));
        Assert.False(pair.Sender.UsesSharedMemory);
        Assert.Equal(0, pair.Sender.SharedMemoryBytes);
    }

    [Fact]
    public async Task A_lane_offer_the_receiver_cannot_open_is_declined_and_the_channel_goes_on()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        var (socket, reader) = await Loopback.HandshakenAsync(listener.EndPoint, "far");
        using var _socket = socket;
        // A well-formed offer of a segment this machine does not have (another machine's /dev/shm).
        var token = new byte[SharedLane.TokenSize];
        var path = System.Text.Encoding.UTF8.GetBytes($"{SharedLane.Folder}/actorgraph-lane-1-0123456789ABCDEF");
        byte[] offer = [.. token, .. BitConverter.GetBytes((long)Lane), .. path];
        await socket.SendAllAsync((byte[])[.. RawFrames.Header(FrameKind.LaneOffer, 0, 0, offer.Length), .. offer]);
        var answer = new byte[FrameHeader.Size + SharedLane.TokenSize];
        await reader.ReadExactlyAsync(answer, CancellationToken.None).AsTask().Within();
        var header = FrameHeader.Parse(answer, answer.Length);
        Assert.Equal((FrameKind.LaneAnswer, 0), (header.Kind, header.Key));

        var value = Tensors.Floats(100_000);
        await socket.SendAllAsync(RawFrames.Tensor(1, 1, value));
        for (var deadline = DateTime.UtcNow + Loopback.Wait; sink.Frames.IsEmpty; await Task.Delay(5))
            Assert.True(DateTime.UtcNow < deadline, "the tensor sent inline after the declined lane never came");
        Tensors.AssertBitExact(value, sink.Frames.Single().Frame.Values[0]);
    }

    [Theory]
    [InlineData(false, "names the shared-memory lane, but none was set up")]
    [InlineData(true, "outside the shared-memory lane")]
    public async Task A_frame_naming_a_lane_never_set_up_or_a_place_outside_it_is_refused(bool withLane, string why)
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        var (socket, reader) = await Loopback.HandshakenAsync(listener.EndPoint, "mangler");
        using var _socket = socket;
        using var lane = withLane ? SharedLane.Create(Lane) : null;
        if (lane is not null)
        {
            var offer = lane.Offer();
            await socket.SendAllAsync((byte[])[.. RawFrames.Header(FrameKind.LaneOffer, 0, 0, offer.Length), .. offer]);
            var answer = new byte[FrameHeader.Size + SharedLane.TokenSize];
            await reader.ReadExactlyAsync(answer, CancellationToken.None).AsTask().Within();
            Assert.Equal(1, FrameHeader.Parse(answer, answer.Length).Key);
            lane.Unlink();
        }
        // A float tensor of 100,000 elements said to lie at the ring's last byte.
        var value = Tensors.Floats(100_000);
        int descriptor = TensorEntry.DescriptorSize(value, inLane: true);
        var frame = new byte[FrameHeader.Size + descriptor];
        new FrameHeader(FrameKind.Tensor, 1, 1, descriptor).Write(frame);
        TensorEntry.WriteDescriptor(frame.AsSpan(FrameHeader.Size), value, lanePosition: Lane - 1);
        await socket.SendAllAsync(frame);

        Assert.Contains(why, RawFrames.Refusal(await socket.ReadToEndAsync()));
        socket.Close();
        var (_, error) = await sink.Disconnection.Task.Within();
        Assert.Contains(why, error!.Message);
        Assert.True(sink.Frames.IsEmpty);
    }

    private static async Task WaitForLane(TensorSender sender)
    {
        for (var deadline = DateTime.UtcNow + Loopback.Wait; !sender.UsesSharedMemory; await Task.Delay(5))
            Assert.True(DateTime.UtcNow < deadline, "the receiver never took the lane");
    }

    private static string[] LaneFiles() => Directory.GetFiles(SharedLane.Folder, $"actorgraph-lane-{Environment.ProcessId}-*");

    // Holds its connection's receive loop on the first frame until the gate opens: the receiver lags.
    private sealed class GatedSink(ManualResetEventSlim gate) : ITensorSink
    {
        public TensorInbox Inbox { get; } = new();

        public void Received(Peer from, TensorFrame frame)
        {
            gate.Wait(Loopback.Wait);
            ((ITensorSink)Inbox).Received(from, frame);
        }

        public void Disconnected(Peer peer, Exception? error) => ((ITensorSink)Inbox).Disconnected(peer, error);
    }
}
