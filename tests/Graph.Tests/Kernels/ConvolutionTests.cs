using ActorGraph.Kernels;
using ActorGraph.GraphTests.Ops;
using Xunit;

namespace ActorGraph.GraphTests.Kernels;

// The convolution and pooling kernels at sizes that split over the compute threads (the op table's are
// too small to split), against the op table's plain references.
public class ConvolutionTests
{
    // (input, filter, stride, same): the CNN's second layer on a few images, an even window whose SAME pad is
    // larger after than before, a strided SAME one, and one image large enough to split, where the input
    // gradient (split by images) runs on one thread.
    public static TheoryData<int[], int[], int, bool> Geometries() => new()
    {
        { [3, 14, 14, 32], [5, 5, 32, 64], 1, true },
        { [6, 20, 19, 16], [4, 2, 16, 24], 1, true },
        { [8, 29, 27, 16], [3, 4, 16, 32], 2, true },
        { [1, 30, 29, 16], [3, 3, 16, 32], 1, false },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Forward_and_both_gradients_match_the_reference(int[] inputDims, int[] filterDims, int stride, bool same)
    {
        var rng = new Random(7);
        var window = new ConvCases.Window(filterDims[0], filterDims[1], stride, stride, same);
        var g = ConvGeometry.Of(inputDims[0], inputDims[1], inputDims[2], inputDims[3], filterDims[0], filterDims[1], filterDims[3], stride, stride, same);
        Assert.True(g.MultiplyAdds >= 1L << 21, "the case must be large enough to split");
        Value x = Random(rng, inputDims), w = Random(rng, filterDims), dy = Random(rng, window.Output(inputDims, filterDims[3]));

        var y = new float[dy.Size];
        Convolution.Forward(g, Floats(x), Floats(w), y);
        AssertClose(ConvCases.Conv2D(x, w, window), y);

        var dx = Garbage(x.Size);
        Convolution.InputGradient(g, Floats(w), Floats(dy), dx);
        AssertClose(ConvCases.Conv2DBackpropInput(inputDims, w, dy, window), dx);

        var dw = Garbage(w.Size);
        Convolution.FilterGradient(g, Floats(x), Floats(dy), dw);
        AssertClose(ConvCases.Conv2DBackpropFilter(x, filterDims, dy, window), dw);

        var dx64 = new double[x.Size];
        Convolution.InputGradient(g, w.Data, dy.Data, dx64);
        AssertClose(ConvCases.Conv2DBackpropInput(inputDims, w, dy, window), dx64.Select(v => (float)v).ToArray());

        var dw64 = new double[w.Size];
        Convolution.FilterGradient(g, x.Data, dy.Data, dw64);
        AssertClose(ConvCases.Conv2DBackpropFilter(x, filterDims, dy, window), dw64.Select(v => (float)v).ToArray());
    }

    [Theory]
    [InlineData(2, 2, true)]
    [InlineData(3, 2, false)]
    public void Pooling_and_its_gradients_match_the_reference_when_split(int size, int stride, bool same)
    {
        var rng = new Random(11);
        int[] dims = [16, 28, 27, 32];
        var window = new ConvCases.Window(size, size, stride, stride, same);
        var g = ConvGeometry.Of(dims[0], dims[1], dims[2], dims[3], size, size, dims[3], stride, stride, same);
        Value x = Random(rng, dims), dy = Random(rng, window.Output(dims, dims[3])), gg = Random(rng, dims);

        var y = new float[dy.Size];
        Pooling.Max(g, Floats(x), y);
        AssertClose(ConvCases.MaxPool(x, window), y);
        Pooling.Average(g, Floats(x), y);
        AssertClose(ConvCases.AvgPool(x, window), y);
        Pooling.MaxGradientGradient(g, Floats(x), Floats(gg), y);
        AssertClose(ConvCases.MaxPoolGradGrad(x, gg, window), y);

        var dx = Garbage(x.Size);
        Pooling.MaxGradient(g, Floats(x), Floats(dy), dx);
        AssertClose(ConvCases.MaxPoolGrad(x, dy, window), dx);
        dx = Garbage(x.Size);
        Pooling.AverageGradient(g, Floats(dy), dx);
        AssertClose(ConvCases.AvgPoolGrad(dims, dy, window), dx);
    }

    [Fact]
    public void Max_pooling_sends_the_gradient_of_a_tie_to_the_first_maximum_in_row_order()
    {
        var g = ConvGeometry.Of(1, 2, 2, 1, 2, 2, 1, 2, 2, same: false);
        var dx = new float[4];
        Pooling.MaxGradient(g, [1f, 3f, 3f, 3f], [5f], dx);
        Assert.Equal([0f, 5f, 0f, 0f], dx);
    }

    [Theory]
    // (input, window, stride) → (output, padding before): the odd pad goes after.
    [InlineData(5, 4, 2, 3, 1)]
    [InlineData(4, 2, 1, 4, 0)]
    [InlineData(28, 5, 1, 28, 2)]
    [InlineData(6, 3, 2, 3, 0)]
    [InlineData(7, 1, 3, 3, 0)]
    public void Same_padding_follows_TensorFlows_arithmetic(int input, int window, int stride, int output, int before) =>
        Assert.Equal((output, before), ConvGeometry.Axis(input, window, stride, same: true));

    [Theory]
    [InlineData(5, 4, 2, 1)]
    [InlineData(7, 2, 2, 3)]
    [InlineData(28, 5, 1, 24)]
    public void Valid_padding_keeps_only_windows_that_fit(int input, int window, int stride, int output) =>
        Assert.Equal((output, 0), ConvGeometry.Axis(input, window, stride, same: false));

    private static Value Random(Random rng, int[] dims) =>
        new(OpCase.Draw(rng, new Shape(dims), () => (double)(float)(rng.NextDouble() * 2 - 1)), dims);

    private static float[] Floats(Value v) => v.Data.Select(d => (float)d).ToArray();

    // A result buffer the kernel must overwrite entirely.
    private static float[] Garbage(int size) => Enumerable.Repeat(float.NaN, size).ToArray();

    private static void AssertClose(Value expected, float[] actual)
    {
        Assert.Equal(expected.Size, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(expected.Data[i] - actual[i]) <= 1e-4 * (1 + Math.Abs(expected.Data[i])),
                $"element {i} is {actual[i]}, expected {expected.Data[i]}");
    }
}
