using System.Diagnostics;
using ActorGraph.Messaging;
using MessagePack;
using Xunit;
using Xunit.Abstractions;

namespace ActorGraph.ParameterServer.Tests;

public sealed class NDArrayWireTests(ITestOutputHelper output)
{
    private static readonly MessagePackSerializerOptions Options = ActorGraphSerializer.Options;

    public static TheoryData<NDArray> Arrays() =>
    [
        NDArray.FromArray([1.5f, -0f, float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), float.Epsilon, float.NegativeInfinity], new Shape(2, 3)),
        NDArray.FromArray([Math.PI, -0d, double.MaxValue, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_00AB)], new Shape(4)),
        NDArray.FromArray([int.MinValue, -1, 0, int.MaxValue], new Shape(2, 1, 2)),
        NDArray.FromArray([long.MinValue, 1L, long.MaxValue], new Shape(3)),
        NDArray.FromArray([true, false, true], new Shape(3, 1)),
        NDArray.Scalar(3.25f),
        NDArray.Scalar(7L),
        NDArray.Scalar(false),
        NDArray.Zeros(DType.Float32, new Shape(0, 3)),
        NDArray.Zeros(DType.Int64, new Shape(2, 0)),
    ];

    [Theory]
    [MemberData(nameof(Arrays))]
    public void An_array_of_each_dtype_and_shape_round_trips_bit_exactly(NDArray array)
    {
        var back = MessagePackSerializer.Deserialize<NDArray>(MessagePackSerializer.Serialize(array, Options), Options);
        Samples.SameBits(array, back);
    }

    [Fact]
    public void A_million_floats_round_trip_bit_exactly_as_one_blob()
    {
        var values = new float[1 << 20];
        var random = new Random(7);
        for (int i = 0; i < values.Length; i++) values[i] = (float)random.NextDouble() - 0.5f;
        var array = NDArray.FromArray(values, new Shape(1024, 1024));
        var bytes = MessagePackSerializer.Serialize(array, Options);
        Assert.InRange(bytes.Length, 4 << 20, (4 << 20) + 32);
        Samples.SameBits(array, MessagePackSerializer.Deserialize<NDArray>(bytes, Options));

        // A figure for the report, not an assertion: the machine is shared.
        var message = new VariablesRead(1, [array]);
        bytes = ActorGraphSerializer.Serialize(message);
        var clock = Stopwatch.StartNew();
        const int rounds = 20;
        for (int i = 0; i < rounds; i++) bytes = ActorGraphSerializer.Serialize(message);
        var write = clock.Elapsed / rounds;
        clock.Restart();
        for (int i = 0; i < rounds; i++) ActorGraphSerializer.Deserialize(bytes, nameof(VariablesRead));
        var read = clock.Elapsed / rounds;
        output.WriteLine($"4 MiB NDArray in a message: serialize {write.TotalMilliseconds:F2} ms, deserialize {read.TotalMilliseconds:F2} ms");
    }

    [Fact]
    public void A_null_array_in_a_message_stays_null()
    {
        var read = new VariablesRead(1, [Samples.Floats(1), null]);
        var back = (VariablesRead)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(read), nameof(VariablesRead));
        Samples.SameBits(read.Values[0], back.Values[0]);
        Assert.Null(back.Values[1]);
    }

    public static TheoryData<string, byte[]> Malformed() => new()
    {
        { "unknown dtype", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(9); w.WriteArrayHeader(0); w.Write(new byte[1]); }) },
        { "dimension 0 is -4", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(0); w.WriteArrayHeader(1); w.Write(-4); w.Write(new byte[0]); }) },
        { "needs 12 bytes, found 8", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(0); w.WriteArrayHeader(1); w.Write(3); w.Write(new byte[8]); }) },
        { "more than", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(1); w.WriteArrayHeader(2); w.Write(1 << 30); w.Write(1 << 30); w.Write(new byte[8]); }) },
        { "rank 300 exceeds 254", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(0); w.WriteArrayHeader(300); for (int i = 0; i < 300; i++) w.Write(1); }) },
        // An array header that claims 100M dims, followed by one.
        { "", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(0); w.WriteArrayHeader(100_000_000); w.Write(1); }) },
        { "fields", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(0); w.WriteArrayHeader(0); }) },
        { "neither 0 nor 1", Encode((ref MessagePackWriter w) => { w.WriteArrayHeader(3); w.Write(4); w.WriteArrayHeader(1); w.Write(2); w.Write(new byte[] { 1, 2 }); }) },
        // A bin header that claims 2 GiB, followed by four bytes.
        { "", [0x93, 0x00, 0x91, 0x01, 0xC6, 0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4] },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_arrays_are_refused_without_large_allocations(string reason, byte[] bytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<NDArray>(bytes, Options));
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1 << 20);
        Assert.Contains(reason, e.InnerException?.Message ?? e.Message);
    }

    [Fact]
    public void Every_truncation_of_an_array_is_refused()
    {
        var bytes = MessagePackSerializer.Serialize(NDArray.FromArray([1.0, 2.0, 3.0], new Shape(3, 1)), Options);
        for (int n = 1; n < bytes.Length; n++)
            Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<NDArray>(bytes.AsMemory(0, n), Options));
    }

    private static byte[] Encode(MessagePackWriterAction write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private delegate void MessagePackWriterAction(ref MessagePackWriter writer);
}
