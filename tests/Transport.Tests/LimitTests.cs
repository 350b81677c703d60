using ActorGraph.Transport.Tests.Support;
using ActorGraph.Transport.Wire;
using Xunit;

namespace ActorGraph.Transport.Tests;

// Alone: it counts the bytes the whole process allocates.
[CollectionDefinition(nameof(LimitTests), DisableParallelization = true)]
public class LimitTestsCollection;

[Collection(nameof(LimitTests))]
public class LimitTests
{
    private const int Max = 1 << 20;

    public static TheoryData<string, byte[], string> Oversized()
    {
        var lyingDims = RawFrames.Header(FrameKind.Tensor, 1, 1, 12);
        byte[] entry = [(byte)DType.Float32, 2, 0, 0, .. Tensors.AsBytes(1 << 14), .. Tensors.AsBytes(1 << 14)];
        return new()
        {
            { "a 1 GiB header", RawFrames.Header(FrameKind.Tensor, 1, 1, 1 << 30), $"exceeds this node's maximum of {Max} bytes" },
            { "a batch of 1 GiB", RawFrames.Header(FrameKind.Batch, 1, 3, int.MaxValue), $"exceeds this node's maximum of {Max} bytes" },
            { "dims of 1 GiB in a small frame", [.. lyingDims, .. entry], "needs 1073741824 bytes, but the frame has 0 left" },
        };
    }

    [Theory]
    [MemberData(nameof(Oversized))]
    public async Task An_oversized_frame_is_refused_before_anything_is_allocated_for_it(string name, byte[] header, string why)
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver") with { MaxFrameBytes = Max }, sink);
        var (socket, _) = await Loopback.HandshakenAsync(listener.EndPoint, "greedy");
        using var _socket = socket;
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await socket.SendAllAsync(header);

        Assert.Contains(why, RawFrames.Refusal(await socket.ReadToEndAsync()));
        socket.Close();
        var (_, error) = await sink.Disconnection.Task.Within();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Contains(why, error!.Message);
        Assert.Contains("greedy", error.Message);
        Assert.Equal(0, sink.Destinations);
        Assert.True(allocated < Max, $"{name}: {allocated} bytes allocated while refusing it");
    }

    [Fact]
    public async Task A_sender_refuses_a_frame_above_the_receivers_maximum_and_stays_usable()
    {
        await using var pair = await Pair.OpenAsync(receiver: o => o with { MaxFrameBytes = Max });
        Assert.Equal(Max, pair.Sender.PeerMaxFrameBytes);
        var refused = await Assert.ThrowsAsync<InvalidArgumentException>(() => pair.Sender.SendAsync(1, 1, Tensors.Floats(Max / 4)).Within());
        Assert.Contains("receiver", refused.Message);
        Assert.Contains($"maximum of {Max} bytes", refused.Message);
        await pair.Sender.SendAsync(1, 2, Tensors.Floats(Max / 8)).Within();
        Assert.Equal(Max / 8, (await pair.ReceiveAsync(1, 2))!.Length);
    }
}
