using ActorGraph.Transport.Tests.Support;
using Xunit;

namespace ActorGraph.Transport.Tests;

public class RoundTripTests
{
    [Fact]
    public async Task Every_dtype_and_shape_arrives_bit_exact_one_tensor_per_frame()
    {
        await using var pair = await Pair.OpenAsync();
        var samples = Tensors.Samples().ToList();
        for (int i = 0; i < samples.Count; i++) await pair.Sender.SendAsync(1, i, samples[i]).Within();
        for (int i = 0; i < samples.Count; i++) Tensors.AssertBitExact(samples[i], await pair.ReceiveAsync(1, i));
    }

    [Fact]
    public async Task A_steps_batch_arrives_as_one_frame_with_its_control_edges()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        await using var sender = await TensorSender.ConnectAsync(listener.EndPoint, Loopback.Options("sender")).Within();
        var samples = Tensors.Samples().Cast<NDArray?>().Append(null).Append(Tensors.Floats(100_000)).ToList();
        var edges = Enumerable.Range(10, samples.Count).ToList();
        await sender.SendAsync(9, edges, samples).Within();
        await sender.DisposeAsync();
        var (peer, error) = await sink.Disconnection.Task.Within();
        Assert.Null(error);   // a goodbye, not a loss
        Assert.Equal("sender", peer.Name);
        var (_, frame) = Assert.Single(sink.Frames);
        Assert.Equal(9, frame.StepId);
        Assert.Equal(edges, frame.Edges);
        for (int i = 0; i < samples.Count; i++) Tensors.AssertBitExact(samples[i], frame.Values[i]);
    }

    [Fact]
    public async Task A_16_MiB_tensor_arrives_bit_exact()
    {
        await using var pair = await Pair.OpenAsync();
        var big = Tensors.Floats(4 << 20);
        await pair.Sender.SendAsync(3, 1, big).Within();
        Tensors.AssertBitExact(big, await pair.ReceiveAsync(3, 1));
    }

    [Fact]
    public async Task Sends_in_flight_together_arrive_whole_and_in_order()
    {
        var sink = new RecordingSink();
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        await using var sender = await TensorSender.ConnectAsync(listener.EndPoint, Loopback.Options("sender")).Within();
        var values = Enumerable.Range(0, 8).Select(i => Tensors.Floats(i % 2 == 0 ? 300_000 : 17, seed: i)).ToList();
        await Task.WhenAll(values.Select((v, i) => sender.SendAsync(i, 0, v).AsTask())).Within();
        await sender.DisposeAsync();
        await sink.Disconnection.Task.Within();
        var frames = sink.Frames.Select(f => f.Frame).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), frames.Select(f => f.StepId));
        for (int i = 0; i < 8; i++) Tensors.AssertBitExact(values[i], frames[i].Values[0]);
    }

    [Fact]
    public async Task A_receive_waits_for_its_tensor_and_one_after_the_arrival_gets_it_at_once()
    {
        await using var pair = await Pair.OpenAsync();
        var early = pair.Inbox.ReceiveAsync(5, 1, "sender");
        Assert.False(early.IsCompleted);
        await pair.Sender.SendAsync(5, 1, NDArray.Scalar(1.5f)).Within();
        await pair.Sender.SendAsync(5, 2, NDArray.Scalar(2.5f)).Within();
        Assert.Equal(1.5f, (await early.Within())!.ToScalar<float>());
        Assert.Equal(2.5f, (await pair.ReceiveAsync(5, 2))!.ToScalar<float>());
    }

    [Fact]
    public async Task A_receiver_can_land_tensors_in_a_buffer_it_reuses()
    {
        var buffer = NDArray.Zeros(DType.Float32, new Shape(4, 4));
        var sink = new ReusingSink(buffer);
        await using var listener = TensorListener.Start(Loopback.Options("receiver"), sink);
        await using var sender = await TensorSender.ConnectAsync(listener.EndPoint, Loopback.Options("sender")).Within();
        var sent = Tensors.Random(DType.Float32, new Shape(4, 4), new Random(3));
        await sender.SendAsync(1, 1, sent).Within();
        Assert.Same(buffer, await sink.Arrived.Task.Within());
        Tensors.AssertBitExact(sent, buffer);
    }

    private sealed class ReusingSink(NDArray buffer) : ITensorSink
    {
        public TaskCompletionSource<NDArray?> Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public NDArray? Destination(Peer from, long stepId, int edge, DType dtype, Shape shape) => buffer;
        public void Received(Peer from, TensorFrame frame) => Arrived.TrySetResult(frame.Values[0]);
        public void Disconnected(Peer peer, Exception? error) { }
    }
}
