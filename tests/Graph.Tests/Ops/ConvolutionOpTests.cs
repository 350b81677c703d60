using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

// Convolution, pooling and dropout through the API: TensorFlow's padding placement, errors that name the op
// and the shapes, dropout's masks, and activations that fit a Func<Tensor, Tensor>.
public class ConvolutionOpTests
{
    private static Tensor F32(params int[] dims) => TF.Placeholder(DType.Float32, new Shape(dims));

    [Fact]
    public void Same_padding_puts_the_odd_pad_after_the_input()
    {
        using var scope = new Graph().AsDefault();
        var x = TF.Constant(NDArray.FromArray(new float[] { 1, 2, 3, 4 }, [1, 1, 4, 1]));
        var w = TF.Constant(NDArray.FromArray(new float[] { 1, 1 }, [1, 2, 1, 1]));
        var sess = new LocalExecutor(Graph.Default);
        // pad_total = (4 - 1) * 1 + 2 - 4 = 1: none before, one after.
        Assert.Equal([3f, 5f, 7f, 4f], sess.Run(TF.Conv2D(x, w, [1, 1, 1, 1], "SAME")).ToArray<float>());
        // Windows of 2 every 2 over 4 pixels: no padding at all; over 3 (SAME) a pad after the last.
        Assert.Equal([2f, 4f], sess.Run(TF.MaxPool(x, [1, 1, 2, 1], [1, 1, 2, 1], "same")).ToArray<float>());
        var three = TF.Constant(NDArray.FromArray(new float[] { 1, 2, 3 }, [1, 1, 3, 1]));
        Assert.Equal([1.5f, 3f], sess.Run(TF.AvgPool(three, [1, 1, 2, 1], [1, 1, 2, 1], "SAME")).ToArray<float>());
    }

    private static readonly Dictionary<string, (Func<Tensor> Build, string[] Names)> Errors = new()
    {
        ["Conv2D with strides of the wrong length"] = (() => TF.Conv2D(F32(1, 5, 5, 2), F32(3, 3, 2, 4), [1, 1], "SAME"), ["Conv2D", "strides", "[1, 1]"]),
        ["Conv2D with a stride over the batch"] = (() => TF.Conv2D(F32(1, 5, 5, 2), F32(3, 3, 2, 4), [2, 1, 1, 1], "SAME"), ["Conv2D", "strides", "[2, 1, 1, 1]"]),
        ["Conv2D with a zero stride"] = (() => TF.Conv2D(F32(1, 5, 5, 2), F32(3, 3, 2, 4), [1, 0, 1, 1], "SAME"), ["Conv2D", "strides", "[1, 0, 1, 1]"]),
        ["Conv2D with a rank-3 filter"] = (() => TF.Conv2D(F32(1, 5, 5, 2), F32(3, 3, 2), [1, 1, 1, 1], "SAME"), ["Conv2D", "filter", "(3, 3, 2)"]),
        ["Conv2D of a rank-3 input"] = (() => TF.Conv2D(F32(5, 5, 2), F32(3, 3, 2, 4), [1, 1, 1, 1], "SAME"), ["Conv2D", "input", "(5, 5, 2)"]),
        ["Conv2D with a channel mismatch"] = (() => TF.Conv2D(F32(1, 5, 5, 3), F32(3, 3, 2, 4), [1, 1, 1, 1], "SAME"), ["Conv2D", "3 channels", "takes 2", "(1, 5, 5, 3)", "(3, 3, 2, 4)"]),
        ["Conv2D with unknown padding"] = (() => TF.Conv2D(F32(1, 5, 5, 2), F32(3, 3, 2, 4), [1, 1, 1, 1], "FULL"), ["Conv2D", "padding", "FULL"]),
        ["Conv2D with a VALID filter larger than the input"] = (() => TF.Conv2D(F32(1, 2, 5, 2), F32(3, 3, 2, 4), [1, 1, 1, 1], "VALID"), ["Conv2D", "VALID", "(1, 2, 5, 2)"]),
        ["Conv2D of int32"] = (() => TF.Conv2D(TF.Placeholder(DType.Int32, new Shape(1, 5, 5, 2)), TF.Placeholder(DType.Int32, new Shape(3, 3, 2, 4)), [1, 1, 1, 1], "SAME"), ["Conv2D", "int32"]),
        ["MaxPool with a window over channels"] = (() => TF.MaxPool(F32(1, 4, 4, 2), [1, 2, 2, 2], [1, 2, 2, 1], "SAME"), ["MaxPool", "ksize", "[1, 2, 2, 2]"]),
        ["AvgPool of a matrix"] = (() => TF.AvgPool(F32(4, 4), [1, 2, 2, 1], [1, 2, 2, 1], "SAME"), ["AvgPool", "(4, 4)"]),
        ["BiasAdd with a bias of the wrong length"] = (() => TF.BiasAdd(F32(2, 3), F32(4)), ["BiasAdd", "(2, 3)", "(4,)"]),
        ["BiasAdd with a matrix bias"] = (() => TF.BiasAdd(F32(2, 3), F32(1, 3)), ["BiasAdd", "(1, 3)"]),
        ["Dropout of int32"] = (() => TF.Dropout(TF.Placeholder(DType.Int32, new Shape(2)), TF.Placeholder(DType.Int32)), ["Dropout", "int32"]),
    };

    public static TheoryData<string> ErrorNames() => new(Errors.Keys);

    [Theory]
    [MemberData(nameof(ErrorNames))]
    public void Bad_arguments_throw_at_once_naming_the_op_and_what_was_wrong(string name)
    {
        var (build, names) = Errors[name];
        using var scope = new Graph().AsDefault();
        var e = Assert.ThrowsAny<ArgumentException>(() => build());
        foreach (var fragment in names) Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void A_channel_mismatch_that_only_shows_at_run_time_fails_the_step_naming_both_shapes()
    {
        using var scope = new Graph().AsDefault();
        Tensor x = TF.Placeholder(DType.Float32), w = TF.Placeholder(DType.Float32);
        var y = TF.Conv2D(x, w, [1, 1, 1, 1], "SAME");
        var sess = new LocalExecutor(Graph.Default);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(y, new FeedDict
        {
            [x] = NDArray.Zeros(DType.Float32, [1, 4, 4, 3]),
            [w] = NDArray.Zeros(DType.Float32, [2, 2, 2, 1]),
        }));
        foreach (var fragment in new[] { "Conv2D", "[1,4,4,3]", "[2,2,2,1]" }) Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void A_dropout_rate_outside_0_to_1_is_an_argument_error(double rate)
    {
        using var scope = new Graph().AsDefault();
        var e = Assert.Throws<ArgumentException>(() => TF.Dropout(F32(2), rate));
        Assert.Contains("[0, 1)", e.Message);
    }

    [Fact]
    public void A_dropout_rate_tensor_outside_0_to_1_fails_the_step()
    {
        using var scope = new Graph().AsDefault();
        Tensor x = F32(2), rate = TF.Placeholder(DType.Float32);
        var y = TF.Dropout(x, rate);
        var sess = new LocalExecutor(Graph.Default);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(y, new FeedDict { [x] = new float[] { 1, 2 }, [rate] = 1.5f }));
        Assert.Contains("Dropout", e.Message);
        Assert.Contains("1.5", e.Message);
    }

    [Fact]
    public void Dropout_drops_about_rate_of_the_values_scales_the_rest_and_its_gradient_uses_the_same_mask()
    {
        using var scope = new Graph().AsDefault();
        var x = TF.Constant(NDArray.FromArray(Enumerable.Range(1, 10_000).Select(i => (double)i).ToArray(), [100, 100]));
        var y = TF.Dropout(x, 0.4, seed: 3);
        var grad = TF.Gradients(TF.ReduceSum(y), [x])[0]!;
        var sess = new LocalExecutor(Graph.Default);
        var values = sess.Run([y, grad]);
        double[] output = values[0]!.ToArray<double>(), gradient = values[1]!.ToArray<double>();
        int dropped = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double scale = gradient[i];
            Assert.True(scale == 0 || Math.Abs(scale - 1 / 0.6) < 1e-12, $"element {i}: gradient {scale} is neither 0 nor 1 / (1 - rate)");
            Assert.Equal((i + 1) * scale, output[i], 9);
            if (scale == 0) dropped++;
        }
        Assert.InRange(dropped, 3_800, 4_200);
    }

    [Fact]
    public void Dropout_with_a_seed_repeats_its_masks_in_a_fresh_session_and_draws_a_new_one_each_step()
    {
        using var scope = new Graph().AsDefault();
        var y = TF.Dropout(TF.Constant(NDArray.FromArray(Enumerable.Repeat(1f, 64).ToArray(), [64])), 0.5, seed: 42);
        float[] first, second;
        {
            var sess = new LocalExecutor(Graph.Default);
            first = sess.Run(y).ToArray<float>();
            second = sess.Run(y).ToArray<float>();
        }
        var fresh = new LocalExecutor(Graph.Default);
        Assert.Equal(first, fresh.Run(y).ToArray<float>());
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Activations_fit_a_func_of_one_tensor()
    {
        Func<Tensor, Tensor>[] activations = [TF.Relu, TF.Sigmoid, TF.Tanh, TF.Softmax];
        using var scope = new Graph().AsDefault();
        var x = F32(2, 3);
        Assert.Equal(["Relu", "Sigmoid", "Tanh", "Softmax"], activations.Select(f => f(x).Op.Type));
    }
}
