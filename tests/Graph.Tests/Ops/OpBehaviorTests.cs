using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

// What the table cannot say: TensorFlow's names, numerical stability, gradient conventions at
// kinks and guards, larger inputs that take the kernels' fast paths, and training end to end.
public class OpBehaviorTests
{
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Build, string Type, string Name)> Names = new()
    {
        ["Sqrt"] = (x => TF.Sqrt(x), "Sqrt", "Sqrt"),
        ["Exp"] = (x => TF.Exp(x), "Exp", "Exp"),
        ["Log"] = (x => TF.Log(x), "Log", "Log"),
        ["Abs"] = (x => TF.Abs(x), "Abs", "Abs"),
        ["Pow"] = (x => TF.Pow(x, x), "Pow", "Pow"),
        ["Maximum"] = (x => TF.Maximum(x, x), "Maximum", "Maximum"),
        ["Minimum"] = (x => TF.Minimum(x, x), "Minimum", "Minimum"),
        ["Relu"] = (x => TF.Relu(x), "Relu", "Relu"),
        ["Sigmoid"] = (x => TF.Sigmoid(x), "Sigmoid", "Sigmoid"),
        ["Tanh"] = (x => TF.Tanh(x), "Tanh", "Tanh"),
        ["Softmax"] = (x => TF.Softmax(x), "Softmax", "Softmax"),
        ["Cast"] = (x => TF.Cast(x, DType.Int32), "Cast", "Cast"),
        ["Reshape"] = (x => TF.Reshape(x, [-1]), "Reshape", "Reshape"),
        ["Transpose"] = (x => TF.Transpose(x), "Transpose", "transpose"),
        ["MatMul"] = (x => TF.MatMul(x, x, transposeB: true), "MatMul", "MatMul"),
        ["ArgMax"] = (x => TF.ArgMax(x, 1), "ArgMax", "ArgMax"),
        ["Equal"] = (x => TF.Equal(x, x), "Equal", "Equal"),
        ["Less"] = (x => TF.Less(x, x), "Less", "Less"),
        ["Greater"] = (x => TF.Greater(x, x), "Greater", "Greater"),
        ["ReduceSum"] = (x => TF.ReduceSum(x), "Sum", "Sum"),
        ["ReduceMean"] = (x => TF.ReduceMean(x, [0]), "Mean", "Mean"),
        ["SoftmaxCrossEntropyWithLogits"] = (x => TF.SoftmaxCrossEntropyWithLogits(x, x), "SoftmaxCrossEntropyWithLogits", "SoftmaxCrossEntropyWithLogits"),
    };

    public static TheoryData<string> Functions() => new(Names.Keys);

    [Theory]
    [MemberData(nameof(Functions))]
    public void Ops_take_TensorFlows_type_and_default_name_made_unique(string function)
    {
        var (build, type, name) = Names[function];
        using var scope = new Graph().AsDefault();
        var x = TF.Placeholder(DType.Float32, [2, 3]);
        Tensor first = build(x), second = build(x);
        Assert.Equal(type, first.Op.Type);
        Assert.Equal(name, first.Op.Name);
        Assert.Equal(name + "_1", second.Op.Name);
        Assert.Equal("custom", TF.Relu(x, name: "custom").Op.Name);
    }

    [Fact]
    public void Cast_to_the_tensors_own_dtype_adds_no_node()
    {
        using var scope = new Graph().AsDefault();
        var x = TF.Placeholder(DType.Float32, [2]);
        Assert.Same(x, TF.Cast(x, DType.Float32));
    }

    private static NDArray Run(Tensor t, FeedDict? feed = null)
    {
        var sess = new LocalExecutor(t.Graph);
        return sess.Run(t, feed);
    }

    private static Graph Fresh(out IDisposable scope)
    {
        var g = new Graph();
        scope = g.AsDefault();
        return g;
    }

    [Fact]
    public void Softmax_and_cross_entropy_stay_finite_for_large_logits()
    {
        Fresh(out var scope);
        using (scope)
        {
            var logits = TF.Constant(new float[,] { { 1000, 1001, 1002 }, { -1000, -1001, -1002 } });
            var labels = TF.Constant(new float[,] { { 0, 0, 1 }, { 1, 0, 0 } });
            var softmax = Run(TF.Softmax(logits)).ToArray<double>();
            var expected = Reference.Softmax([0, 1, 2]);
            Assert.Equal([.. expected, .. expected.Reverse()], softmax, (a, b) => Math.Abs(a - b) < 1e-6);
            var loss = Run(TF.SoftmaxCrossEntropyWithLogits(labels, logits)).ToArray<double>();
            Assert.Equal(-Math.Log(expected[2]), loss[0], 5);
            Assert.Equal(-Math.Log(expected[2]), loss[1], 5);
            Assert.All(Run(TF.LogSoftmax(logits)).ToArray<double>(), v => Assert.True(double.IsFinite(v)));
        }
    }

    [Fact]
    public void Cross_entropy_with_labels_that_do_not_sum_to_one_is_still_minus_labels_times_log_softmax()
    {
        Fresh(out var scope);
        using (scope)
        {
            var logits = TF.Constant(new double[,] { { 0.5, -1, 2 } });
            var labels = TF.Constant(new double[,] { { 0.5, 1, 2 } });
            var op = TF.SoftmaxCrossEntropyWithLogits(labels, logits).Op;
            var logSoftmax = Reference.LogSoftmax([0.5, -1, 2]);
            Assert.Equal(-(0.5 * logSoftmax[0] + logSoftmax[1] + 2 * logSoftmax[2]), Run(op.Outputs[0]).ToScalar<double>(), 12);
            // The second output is TensorFlow's backprop: softmax − labels.
            var softmax = Reference.Softmax([0.5, -1, 2]);
            Assert.Equal(softmax.Zip([0.5, 1, 2], (s, l) => s - l), Run(op.Outputs[1]).ToArray<double>(), (a, b) => Math.Abs(a - b) < 1e-12);
        }
    }

    [Fact]
    public void Pow_passes_no_gradient_to_the_exponent_where_the_base_is_not_positive()
    {
        Fresh(out var scope);
        using (scope)
        {
            var x = TF.Constant(new double[] { -1, 0, 2 });
            var y = TF.Constant(new double[] { 2, 2, 2 });
            var grads = TF.Gradients(TF.ReduceSum(TF.Pow(x, y)), [x, y]);
            Assert.Equal([-2, 0, 4], Run(grads[0]!).ToArray<double>());
            Assert.Equal([0, 0, 4 * Math.Log(2)], Run(grads[1]!).ToArray<double>(), (a, b) => Math.Abs(a - b) < 1e-12);
        }
    }

    [Fact]
    public void Maximum_and_Minimum_send_the_gradient_of_a_tie_to_x()
    {
        Fresh(out var scope);
        using (scope)
        {
            var x = TF.Constant(new double[] { 1, 2, 3 });
            var y = TF.Constant(new double[] { 1, 5, 0 });
            var max = TF.Gradients(TF.ReduceSum(TF.Maximum(x, y)), [x, y]);
            var min = TF.Gradients(TF.ReduceSum(TF.Minimum(x, y)), [x, y]);
            Assert.Equal([1, 0, 1], Run(max[0]!).ToArray<double>());
            Assert.Equal([0, 1, 0], Run(max[1]!).ToArray<double>());
            Assert.Equal([1, 1, 0], Run(min[0]!).ToArray<double>());
            Assert.Equal([0, 0, 1], Run(min[1]!).ToArray<double>());
        }
    }

    [Fact]
    public void Relu_gradient_is_the_incoming_gradient_where_the_input_is_positive()
    {
        Fresh(out var scope);
        using (scope)
        {
            var x = TF.Constant(new float[] { -2, -0.5f, 0.5f, 3 });
            Assert.Equal([0f, 0, 1, 1], Run(TF.Gradients(TF.ReduceSum(TF.Relu(x)), [x])[0]!).ToArray<float>());
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int32)]
    public void Relu_gradient_of_a_large_array_passes_the_gradient_where_the_output_is_positive_and_zero_elsewhere(DType dtype)
    {
        // 1,000 elements: whole vectors of every width, then a tail; a NaN or infinite gradient where the unit is off gives 0.
        Fresh(out var scope);
        using (scope)
        {
            var rng = new Random(5);
            var inputs = Enumerable.Range(0, 1000).Select(i => i % 7 == 0 ? 0 : Math.Round(rng.NextDouble() * 8 - 4, 1)).ToArray();
            var upstream = Enumerable.Range(0, 1000).Select(i => i % 11 == 0 && dtype != DType.Int32 ? double.NaN : i % 13 == 0 && dtype != DType.Int32 ? double.PositiveInfinity : i - 500.0).ToArray();
            var x = TF.Cast(TF.Constant(inputs), dtype);
            var dy = TF.Cast(TF.Constant(upstream), dtype);
            // The op Relu's gradient is (integer tensors have no gradient in TensorFlow, but the kernel takes them).
            var dx = TF.Op("ReluGrad", [dy, TF.Relu(x)]);
            if (dtype != DType.Int32) Assert.Equal("ReluGrad", TF.Gradients(TF.ReduceSum(TF.Relu(x)), [x])[0]!.Op.Type);
            // Cast to int32 truncates: 0.4 is off there.
            var expected = inputs.Select((v, i) => (dtype == DType.Int32 ? Math.Truncate(v) : v) > 0 ? upstream[i] : 0).ToArray();
            Assert.Equal(expected, Run(TF.Cast(dx, DType.Float64)).ToArray<double>());
        }
    }

    [Fact]
    public void ReduceMean_gradient_divides_by_the_count_known_only_at_run_time()
    {
        Fresh(out var scope);
        using (scope)
        {
            var x = TF.Placeholder(DType.Float32, [-1, 4]);
            var grad = TF.Gradients(TF.ReduceMean(x), [x])[0]!;
            Assert.Equal(new Shape(-1, 4), grad.Shape);
            var value = Run(grad, new FeedDict { [x] = NDArray.FromArray(new float[12], [3, 4]) });
            Assert.Equal(new Shape(3, 4), value.Shape);
            Assert.All(value.ToArray<float>(), v => Assert.Equal(1f / 12, v, 6));
        }
    }

    [Fact]
    public void ArgMax_returns_int64_and_the_first_index_of_a_tie()
    {
        Fresh(out var scope);
        using (scope)
        {
            var result = Run(TF.ArgMax(TF.Constant(new[] { 1, 3, 3, 2 }), 0));
            Assert.Equal(DType.Int64, result.DType);
            Assert.Equal(1L, result.ToScalar<long>());
        }
    }

    [Fact]
    public void Gradients_build_in_the_graph_of_y_even_when_another_graph_is_the_default()
    {
        var g = new Graph();
        Tensor x, y;
        using (g.AsDefault())
        {
            x = TF.Placeholder(DType.Float64, [2]);
            y = TF.ReduceSum(TF.Square(x) * 3.0);
        }
        using var other = new Graph().AsDefault();
        var grad = TF.Gradients(y, [x])[0]!;
        Assert.Same(g, grad.Graph);
        var sess = new LocalExecutor(g);
        Assert.Equal([6.0, -12.0], sess.Run(grad, new FeedDict { [x] = new double[] { 1, -2 } }).ToArray<double>());
    }

    [Fact]
    public void Equal_compares_bools_and_integer_means_truncate_as_in_TensorFlow()
    {
        Fresh(out var scope);
        using (scope)
        {
            var equal = TF.Equal(TF.Constant(new[] { true, false, true }), TF.Constant(true));
            Assert.Equal([true, false, true], Run(equal).ToArray<bool>());
            Assert.Equal(1, Run(TF.ReduceMean(TF.Constant(new[] { 1, 2 }))).ToScalar<int>());
        }
    }

    [Theory]
    [InlineData(17, 33, 9, false, false)]
    [InlineData(17, 33, 9, true, false)]
    [InlineData(17, 33, 9, false, true)]
    [InlineData(17, 33, 9, true, true)]
    [InlineData(1, 64, 1, false, false)]
    public void MatMul_of_larger_matrices_matches_the_reference(int m, int k, int n, bool ta, bool tb)
    {
        Fresh(out var scope);
        using (scope)
        {
            var rng = new Random(m * 1000 + k * 10 + n);
            var a = new Value(OpCase.Draw(rng, [m * k], () => rng.NextDouble() - 0.5), ta ? [k, m] : [m, k]);
            var b = new Value(OpCase.Draw(rng, [k * n], () => rng.NextDouble() - 0.5), tb ? [n, k] : [k, n]);
            var product = TF.MatMul(TF.Constant(OpHarness.ToNDArray(a, DType.Float32)), TF.Constant(OpHarness.ToNDArray(b, DType.Float32)), ta, tb);
            OpHarness.AssertClose(Reference.MatMul(a, b, ta, tb), Run(product), 1e-5, "MatMul");
        }
    }

    [Theory]
    [InlineData(new[] { 37, 45 }, null)]
    [InlineData(new[] { 7, 20, 9 }, new[] { 2, 0, 1 })]
    [InlineData(new[] { 3, 4, 5, 6 }, new[] { 0, 3, 1, 2 })]
    public void Transpose_of_larger_arrays_matches_the_reference(int[] dims, int[]? perm)
    {
        Fresh(out var scope);
        using (scope)
        {
            var x = new Value(Enumerable.Range(0, dims.Aggregate(1, (p, d) => p * d)).Select(i => (double)i).ToArray(), dims);
            OpHarness.AssertClose(Reference.Transpose(x, perm), Run(TF.Transpose(TF.Constant(OpHarness.ToNDArray(x, DType.Int64)), perm)), 0, "Transpose");
        }
    }

    [Theory]
    [InlineData(new[] { 7, 50, 9 }, new[] { 1 }, false)]
    [InlineData(new[] { 7, 50, 9 }, new[] { 0, 2 }, true)]
    [InlineData(new[] { 300, 70 }, new[] { 0 }, false)]
    [InlineData(new[] { 300, 70 }, new[] { 1 }, false)]
    [InlineData(new[] { 300, 70 }, null, false)]
    public void Reductions_of_larger_arrays_match_the_reference(int[] dims, int[]? axis, bool keepDims)
    {
        Fresh(out var scope);
        using (scope)
        {
            var rng = new Random(dims.Sum());
            var x = new Value(OpCase.Draw(rng, dims, () => rng.NextDouble()), dims);
            var input = TF.Constant(OpHarness.ToNDArray(x, DType.Float64));
            OpHarness.AssertClose(Reference.Reduce(x, axis, keepDims, mean: false), Run(TF.ReduceSum(input, axis, keepDims)), 1e-12, "ReduceSum");
            OpHarness.AssertClose(Reference.Reduce(x, axis, keepDims, mean: true), Run(TF.ReduceMean(input, axis, keepDims)), 1e-12, "ReduceMean");
        }
    }

    [Fact]
    public void A_softmax_regression_with_an_unknown_batch_size_trains_with_gradient_descent()
    {
        var g = Fresh(out var scope);
        using (scope)
        {
            var x = TF.Placeholder(DType.Float32, [-1, 2]);
            var labels = TF.Placeholder(DType.Float32, [-1, 2]);
            var w = TF.GetVariable("w", [2, 2], initializer: TF.ZerosInitializer());
            var b = TF.GetVariable("b", [2], initializer: TF.ZerosInitializer());
            var logits = TF.MatMul(x, w) + b;
            var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
            var accuracy = TF.ReduceMean(TF.Cast(TF.Equal(TF.ArgMax(logits, 1), TF.ArgMax(labels, 1)), DType.Float32));
            var train = new GradientDescentOptimizer(0.5).Minimize(loss);
            var sess = new LocalExecutor(g);
            sess.Run(TF.GlobalVariablesInitializer());
            // Class 1 where the first coordinate is larger.
            var feed = new FeedDict
            {
                [x] = new float[,] { { 2, 0 }, { 0, 2 }, { 1, -1 }, { -1, 1 } },
                [labels] = new float[,] { { 0, 1 }, { 1, 0 }, { 0, 1 }, { 1, 0 } },
            };
            float before = sess.Run(loss, feed).ToScalar<float>();
            for (int i = 0; i < 50; i++) sess.Run(train, feed);
            Assert.True(sess.Run(loss, feed).ToScalar<float>() < before / 10);
            Assert.Equal(1f, sess.Run(accuracy, feed).ToScalar<float>());
        }
    }
}
