using ActorGraph.Wire;
using MessagePack;
using MessagePack.Resolvers;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Summaries;

public class StringTensorTests
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([new NDArrayFormatter()], [StandardResolver.Instance]))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    [Fact]
    public void Strings_are_fed_fetched_and_cross_workers_in_a_local_session()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        Tensor fed, moved, constant;
        using (TF.Device("/job:worker/task:0")) fed = TF.Placeholder(DType.String, [2], "words");
        using (TF.Device("/job:worker/task:1"))
        {
            moved = TF.Identity(fed);
            constant = TF.Identity(TF.Constant(NDArray.FromStrings(["é", ""], [1, 2])));
        }
        using var sess = new Session(g, new SessionOptions { Workers = 2 });
        var results = sess.Run([moved, constant], new FeedDict { [fed] = new[] { "hello", "wörld" } });
        Assert.Equal(["hello", "wörld"], results[0]!.ToStrings());
        Assert.Equal(["é", ""], results[1]!.ToStrings());
        Assert.Equal(new Shape(1, 2), results[1]!.Shape);
    }

    [Fact]
    public void Print_writes_string_values()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var text = TF.Constant("abc");
        var printed = TF.Print(TF.Constant(1), [text], "text: ");
        var output = new StringWriter();
        using var sess = new Session(g, new SessionOptions { PrintOutput = output });
        sess.Run(printed);
        Assert.Equal("text: [abc]", output.ToString().Trim());
        Assert.Equal("[b'a' b'\\xff']", NDArray.FromByteStrings([[(byte)'a'], [0xff]]).ToString());
    }

    [Fact]
    public void A_string_tensor_round_trips_through_the_serializer_byte_for_byte()
    {
        var value = NDArray.FromByteStrings([[0, 1, 2], [], new byte[100_000], "x"u8.ToArray()], new Shape(2, 2));
        List<NDArray> aside = [];
        byte[] bytes;
        using (OutOfBandTensors.Collect(aside)) bytes = MessagePackSerializer.Serialize(value, Options);
        Assert.Empty(aside);
        var back = MessagePackSerializer.Deserialize<NDArray>(bytes, Options)!;
        Assert.Equal(DType.String, back.DType);
        Assert.Equal(value.Shape, back.Shape);
        for (int i = 0; i < 4; i++) Assert.Equal(value.ByteStrings[i], back.ByteStrings[i]);
    }

    [Fact]
    public void A_string_tensor_with_the_wrong_element_count_is_malformed()
    {
        var bytes = MessagePackSerializer.Serialize(NDArray.FromStrings(["a", "b"]), Options);
        bytes[Array.IndexOf(bytes, (byte)0x92, 3)] = 0x91;   // the element array's header: 2 → 1 elements
        var e = Assert.Throws<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<NDArray>(bytes, Options));
        Assert.Contains("needs 2 elements, found 1", e.ToString());
    }

    [Fact]
    public void Numeric_reads_of_a_string_tensor_say_how_to_read_it()
    {
        var value = NDArray.FromStrings(["1"]);
        Assert.Contains("ToStrings", Assert.Throws<InvalidOperationException>(() => value.ToArray<float>()).Message);
        Assert.Contains("not strings", Assert.Throws<InvalidOperationException>(() => NDArray.Scalar(1f).ToStrings()).Message);
    }

    [Fact]
    public void Casting_between_strings_and_numbers_is_refused_naming_both_dtypes()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var e = Assert.Throws<ArgumentException>(() => TF.Cast(TF.Constant("1"), DType.Float32));
        Assert.Contains("Cast string to float32 is not supported", e.Message);
        Assert.Contains("Cast int32 to string is not supported", Assert.Throws<ArgumentException>(() => TF.Constant(1, DType.String)).Message);
    }
}
