using ActorGraph.Wire;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Xunit;

namespace ActorGraph.GraphTests.Wire;

public class OutOfBandTensorsTests
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create([new NDArrayFormatter()], [StandardResolver.Instance]))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    private static readonly NDArray Large = NDArray.FromArray(Enumerable.Range(0, 64 * 1024).Select(i => (float)i).ToArray(), [256, 256]);
    private static readonly NDArray Small = NDArray.FromArray([1f, 2f], [2]);

    private static byte[] Write(NDArray?[] values, List<NDArray> aside)
    {
        using (OutOfBandTensors.Collect(aside)) return MessagePackSerializer.Serialize(values, Options);
    }

    private static NDArray?[] Read(byte[] bytes, NDArray?[] aside)
    {
        using var scope = OutOfBandTensors.Resolve(aside);
        var values = MessagePackSerializer.Deserialize<NDArray?[]>(bytes, Options);
        scope.Complete();
        return values;
    }

    [Fact]
    public void Large_tensors_go_beside_the_bytes_and_come_back_as_the_arrays_given()
    {
        var aside = new List<NDArray>();
        var bytes = Write([Small, Large, null], aside);
        Assert.Same(Large, Assert.Single(aside));
        Assert.True(bytes.Length < 1024, $"the payload holds {bytes.Length} bytes");
        var back = Read(bytes, [.. aside]);
        Assert.Equal(Small.ToArray<float>(), back[0]!.ToArray<float>());
        Assert.Same(Large, back[1]);
        Assert.Null(back[2]);
    }

    [Fact]
    public void Without_a_scope_everything_stays_in_the_bytes()
    {
        var bytes = MessagePackSerializer.Serialize(new NDArray?[] { Large }, Options);
        Assert.True(bytes.Length > Large.Length * 4);
        Assert.Equal(Large.ToArray<float>(), MessagePackSerializer.Deserialize<NDArray?[]>(bytes, Options)[0]!.ToArray<float>());
    }

    [Fact]
    public void A_reference_with_no_tensor_beside_it_is_malformed()
    {
        var bytes = Write([Large], []);
        var e = Assert.ThrowsAny<MessagePackSerializationException>(() => MessagePackSerializer.Deserialize<NDArray?[]>(bytes, Options));
        Assert.Contains("none came with it", Flatten(e));
        Assert.Contains("tensor 0 of 0", Flatten(Assert.ThrowsAny<MessagePackSerializationException>(() => Read(bytes, []))));
    }

    [Fact]
    public void A_tensor_referred_to_twice_or_never_is_malformed()
    {
        var once = Write([Large], new List<NDArray>());
        Assert.Contains("not referred to", Flatten(Assert.ThrowsAny<MessagePackSerializationException>(() => Read(once, [Large, Large]))));
        // Two references to tensor 0, as a forged frame could write them.
        var repeated = MessagePackSerializer.Serialize(new object[] { new object[] { 0 }, new object[] { 0 } }, Options);
        Assert.Contains("referred to twice", Flatten(Assert.ThrowsAny<MessagePackSerializationException>(() => Read(repeated, [Large]))));
    }

    [Fact]
    public void A_bool_tensor_beside_the_bytes_is_checked_like_one_inside()
    {
        var flags = NDArray.Uninitialized(DType.Bool, new Shape(OutOfBandTensors.MinBytes));
        flags.Bytes.Fill(2);
        var bytes = MessagePackSerializer.Serialize(new object[] { new object[] { 0 } }, Options);
        Assert.Contains("neither 0 nor 1", Flatten(Assert.ThrowsAny<MessagePackSerializationException>(() => Read(bytes, [flags]))));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " / " + Flatten(e.InnerException);
}
