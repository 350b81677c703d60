using System.Runtime.InteropServices;
using Xunit;

namespace ActorGraph.Transport.Tests.Support;

public static class Tensors
{
    // Every dtype in the shapes that stress the framing: scalar, empty, a zero inside, a matrix, rank 4.
    public static IEnumerable<NDArray> Samples()
    {
        var random = new Random(42);
        int[][] shapes = [[], [0], [2, 0, 3], [3, 5], [2, 3, 1, 4], [1031]];
        foreach (DType dtype in Enum.GetValues<DType>())
            foreach (int[] dims in shapes)
                yield return Random(dtype, new Shape(dims), random);
    }

    public static NDArray Random(DType dtype, Shape shape, Random random)
    {
        if (dtype == DType.String)
        {
            var strings = new byte[shape.ElementCount][];
            for (int i = 0; i < strings.Length; i++) random.NextBytes(strings[i] = new byte[random.Next(0, 40)]);
            return NDArray.WrapStrings(strings, shape);
        }
        var value = NDArray.Uninitialized(dtype, shape);
        random.NextBytes(value.Bytes);
        if (dtype == DType.Bool)
            foreach (ref byte b in value.Bytes) b &= 1;
        return value;
    }

    public static NDArray Floats(int count, int seed = 7)
    {
        var value = NDArray.Uninitialized(DType.Float32, new Shape(count));
        new Random(seed).NextBytes(value.Bytes);   // any bit pattern, NaNs included: the copy must be exact
        return value;
    }

    public static void AssertBitExact(NDArray? expected, NDArray? actual)
    {
        if (expected is null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.DType == DType.String)
        {
            Assert.Equal(expected.ByteStrings, actual.ByteStrings);
            return;
        }
        Assert.True(expected.Bytes.SequenceEqual(actual.Bytes), $"the {expected.DType} {expected.Shape} payload differs");
    }

    public static byte[] AsBytes(int value) => BitConverter.GetBytes(value);
}
