using System.Net;
using ActorGraph.Transport.Tests.Support;
using Xunit;

namespace ActorGraph.Transport.Tests;

public class PoolTests
{
    private static readonly Peer Worker1 = new("worker-1", new IPEndPoint(IPAddress.Loopback, 4001));

    [Fact]
    public void A_returned_buffer_is_rented_again_for_the_same_dtype_and_length_in_any_shape()
    {
        var pool = new TensorPool();
        var first = pool.Rent(DType.Float32, new Shape(256, 256));
        pool.Return(first);
        var again = pool.Rent(DType.Float32, new Shape(65536));
        Assert.Same(first.RawArray, again.RawArray);
        Assert.Equal(new Shape(65536), again.Shape);
        Assert.NotSame(again.RawArray, pool.Rent(DType.Float32, new Shape(65536)).RawArray);
    }

    [Fact]
    public void Small_tensors_are_not_pooled_and_the_pool_keeps_no_more_than_its_limit()
    {
        var pool = new TensorPool(maxRetainedBytes: 1 << 20);
        pool.Return(NDArray.Zeros(DType.Float32, new Shape(16)));
        Assert.Equal(0, pool.RetainedBytes);
        for (int i = 0; i < 3; i++) pool.Return(NDArray.Zeros(DType.Float64, new Shape(64 * 1024)));
        Assert.Equal(1 << 20, pool.RetainedBytes);
    }

    [Fact]
    public async Task A_pooled_inbox_receives_into_returned_buffers_and_takes_back_what_a_forgotten_step_held()
    {
        var pool = new TensorPool();
        var inbox = new TensorInbox(pool);
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), inbox);
        await using var sender = await TensorSender.ConnectAsync(listener.EndPoint, Loopback.Options("sender")).Within();
        var sent = Tensors.Floats(100_000);
        await sender.SendAsync(1, 1, sent).Within();
        var first = await inbox.ReceiveAsync(1, 1, "sender").Within();
        pool.Return(first);
        await sender.SendAsync(2, 1, sent).Within();
        var second = await inbox.ReceiveAsync(2, 1, "sender").Within();
        Assert.Same(first!.RawArray, second!.RawArray);
        Tensors.AssertBitExact(sent, second);

        inbox.Received(Worker1, new TensorFrame(3, [1], [NDArray.Zeros(DType.Float32, new Shape(100_000))]));
        inbox.Forget(3);
        Assert.Equal(400_000, pool.RetainedBytes);
    }
}
