using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Semantics;

// tf.layers: variable names and sharing, and what Dense, Flatten and BatchNormalization compute.
public class LayersTests
{
    private sealed class Run(Graph g)
    {
        private readonly Executor _executor = new(g);
        private readonly StepContext _step = new(new LocalVariableStore(), TextWriter.Null);

        public Run Initialized()
        {
            _executor.Run([TF.GlobalVariablesInitializer()], null, _step);
            return this;
        }

        public NDArray?[] Values(IReadOnlyList<Fetch> fetches, FeedDict? feed = null) => _executor.Run(fetches, feed, _step);
        public NDArray Value(Tensor fetch, FeedDict? feed = null) => Values([fetch], feed)[0]!;
    }

    [Fact]
    public void Dense_layers_are_named_dense_then_dense_1_and_nest_in_variable_scopes()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 4]);
        Layers.Dense(x, 3);
        Layers.Dense(x, 3);
        using (TF.VariableScope("outer")) Layers.Dense(x, 2, name: "head");
        Assert.Equal(["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias", "outer/head/kernel", "outer/head/bias"],
            TF.GlobalVariables().Select(v => v.Op.Name));
        Assert.Equal(new Shape(4, 3), g.GetTensor("dense/kernel:0").Shape);
    }

    [Fact]
    public void Dense_computes_inputs_times_kernel_plus_bias_then_the_activation()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 2]);
        var y = Layers.Dense(x, 3, activation: t => TF.Relu(t), kernelInitializer: TF.ConstantInitializer(0.5));
        var run = new Run(g).Initialized();
        var value = run.Value(y, new FeedDict { [x] = new float[,] { { 1, 2 }, { -4, -2 } } });
        Assert.Equal(new Shape(2, 3), value.Shape);
        Assert.Equal([1.5f, 1.5f, 1.5f, 0, 0, 0], value.ToArray<float>());
    }

    [Fact]
    public void Dense_on_rank_3_inputs_applies_to_the_last_axis()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Constant(NDArray.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), [2, 3, 2]));
        var y = Layers.Dense(x, 1, kernelInitializer: TF.OnesInitializer());
        Assert.Equal(new Shape(2, 3, 1), y.Shape);
        var value = new Run(g).Initialized().Value(y);
        Assert.Equal(new Shape(2, 3, 1), value.Shape);
        Assert.Equal([1f, 5, 9, 13, 17, 21], value.ToArray<float>());
    }

    [Fact]
    public void A_reused_scope_shares_a_layers_variables()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 4]);
        using (TF.VariableScope("tower")) Layers.Dense(x, 3, name: "fc");
        using (TF.VariableScope("tower", VariableReuse.Reuse)) Layers.Dense(x, 3, name: "fc");
        Assert.Equal(2, TF.GlobalVariables().Count);
        var ex = Assert.Throws<ArgumentException>(() =>
        {
            using (TF.VariableScope("tower")) Layers.Dense(x, 3, name: "fc");
        });
        Assert.Contains("Variable tower/fc/kernel already exists", ex.Message);
    }

    [Fact]
    public void Dense_refuses_inputs_without_a_known_last_dimension()
    {
        using var _ = new Graph().AsDefault();
        var ex = Assert.Throws<ArgumentException>(() => Layers.Dense(TF.Placeholder(DType.Float32, [-1, -1]), 3));
        Assert.Contains("known last dimension", ex.Message);
    }

    [Fact]
    public void Flatten_keeps_the_batch_axis_and_folds_the_rest()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 2, 3, 4]);
        var flat = Layers.Flatten(x);
        Assert.Equal(new Shape(-1, 24), flat.Shape);
        var value = new Run(g).Value(flat, new FeedDict { [x] = NDArray.Zeros(DType.Float32, [5, 2, 3, 4]) });
        Assert.Equal(new Shape(5, 24), value.Shape);
    }

    [Fact]
    public void BatchNormalization_without_training_uses_the_moving_statistics_and_makes_no_update_ops()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 2]);
        var y = Layers.BatchNormalization(x);
        Assert.Equal(["batch_normalization/gamma", "batch_normalization/beta", "batch_normalization/moving_mean", "batch_normalization/moving_variance"],
            TF.GlobalVariables().Select(v => v.Op.Name));
        Assert.Empty(TF.GetCollection(GraphKeys.UpdateOps));
        var value = new Run(g).Initialized().Value(y, new FeedDict { [x] = new float[,] { { 2, 4 } } });
        Assert.Equal(2 / Math.Sqrt(1.001), value.ToArray<float>()[0], 5);
    }

    [Fact]
    public void BatchNormalization_in_training_normalizes_each_channel_and_updates_the_moving_averages_only_when_training()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 2]);
        var training = TF.Placeholder(DType.Bool, []);
        var y = Layers.BatchNormalization(x, training, momentum: 0.9, epsilon: 0);
        var updates = TF.GetCollection(GraphKeys.UpdateOps);
        Assert.Equal(2, updates.Count);
        var movingMean = (Variable)g.GetTensor("batch_normalization/moving_mean:0");
        var run = new Run(g).Initialized();
        var batch = new float[,] { { 1, 10 }, { 3, 30 } };

        var normalized = run.Value(y, new FeedDict { [x] = batch, [training] = true }).ToArray<float>();
        Assert.Equal([-1f, -1f, 1f, 1f], normalized.Select(v => MathF.Round(v, 4)));
        Assert.Equal([0f, 0f], run.Value(movingMean).ToArray<float>());   // y alone does not update

        run.Values([y, TF.Group([.. updates])], new FeedDict { [x] = batch, [training] = true });
        Assert.Equal([0.2f, 2f], run.Value(movingMean).ToArray<float>().Select(v => MathF.Round(v, 5)));

        run.Values([TF.Group([.. updates])], new FeedDict { [x] = batch, [training] = false });
        Assert.Equal([0.2f, 2f], run.Value(movingMean).ToArray<float>().Select(v => MathF.Round(v, 5)));
        var inference = run.Value(y, new FeedDict { [x] = new float[,] { { 0.2f, 2 } }, [training] = false }).ToArray<float>();
        Assert.Equal([0f, 0f], inference.Select(v => MathF.Round(v, 5)));
    }

    [Fact]
    public void BatchNormalization_trains_its_gamma_and_beta_through_the_batch_statistics()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 1]);
        var training = TF.Placeholder(DType.Bool, []);
        var y = Layers.BatchNormalization(x, training);
        var loss = TF.ReduceMean(TF.Square(y - 3f));
        var grads = TF.Gradients(loss, [g.GetTensor("batch_normalization/gamma:0"), g.GetTensor("batch_normalization/beta:0"), x]);
        Assert.All(grads, Assert.NotNull);
        var run = new Run(g).Initialized();
        var values = run.Values([.. grads.Select(t => (Fetch)t!)], new FeedDict { [x] = new float[,] { { 1 }, { 2 }, { 3 } }, [training] = true });
        // Beta's gradient is the mean of 2(y - 3) with y of mean 0: -6.
        Assert.Equal(-6f, values[1]!.ToArray<float>()[0], 3);
    }

    [Fact]
    public void A_training_step_that_leaves_the_update_ops_off_its_path_is_warned_about_once()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 2]);
        var training = TF.Placeholder(DType.Bool, []);
        var loss = TF.ReduceMean(TF.Square(Layers.Dense(Layers.BatchNormalization(x, training), 1)));
        var trap = new GradientDescentOptimizer(0.1).Minimize(loss);
        Operation safe;
        using (TF.ControlDependencies([.. TF.GetCollection(GraphKeys.UpdateOps)]))
            safe = new GradientDescentOptimizer(0.1).Minimize(loss);
        var warnings = new List<string>();
        var traps = new TrapWarnings(g, warnings.Add);

        traps.Observe([safe], []);
        traps.Observe([loss], []);
        Assert.Empty(warnings);
        traps.Observe([trap], []);
        traps.Observe([trap, loss], []);
        var warning = Assert.Single(warnings);
        Assert.Contains("'batch_normalization/AssignMovingAvg'", warning);
        Assert.Contains("TF.ControlDependencies([.. TF.GetCollection(GraphKeys.UpdateOps)])", warning);
    }

    [Fact]
    public void Conv2D_layers_are_named_conv2d_then_conv2d_1_with_a_kernel_and_a_bias()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 8, 8, 3]);
        var y = Layers.Conv2D(x, 4, [5, 5], padding: "same");
        var z = Layers.Conv2D(y, 2, [3, 3], strides: [2, 2]);
        Assert.Equal(["conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias"], TF.GlobalVariables().Select(v => v.Op.Name));
        Assert.Equal(new Shape(5, 5, 3, 4), g.GetTensor("conv2d/kernel:0").Shape);
        Assert.Equal(new Shape(-1, 8, 8, 4), y.Shape);
        Assert.Equal(new Shape(-1, 3, 3, 2), z.Shape);   // VALID, stride 2: (8 - 3) / 2 + 1
    }

    [Fact]
    public void Conv2D_adds_its_bias_per_filter_then_the_activation()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        // One 3x3 single-channel image of ones; a 2x2 kernel of ones sums four pixels per output.
        var x = TF.Constant(NDArray.FromArray(Enumerable.Repeat(1f, 9).ToArray(), [1, 3, 3, 1]));
        var y = Layers.Conv2D(x, 2, [2, 2], kernelInitializer: TF.OnesInitializer(), activation: TF.Relu);
        var run = new Run(g).Initialized();
        run.Values([TF.Assign((Variable)g.GetTensor("conv2d/bias:0"), TF.Constant(new float[] { 1, -10 }))]);
        var value = run.Value(y);
        Assert.Equal(new Shape(1, 2, 2, 2), value.Shape);
        Assert.Equal([5f, 0, 5, 0, 5, 0, 5, 0], value.ToArray<float>());
    }

    [Fact]
    public void Conv2D_refuses_inputs_that_are_not_nhwc_and_bad_kernel_sizes()
    {
        using var _ = new Graph().AsDefault();
        var ex = Assert.Throws<ArgumentException>(() => Layers.Conv2D(TF.Placeholder(DType.Float32, [-1, 784]), 32, [5, 5]));
        Assert.Contains("[batch, height, width, channels]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Layers.Conv2D(TF.Placeholder(DType.Float32, [-1, 28, 28, 1]), 32, [5, 0, 5]));
        Assert.Contains("kernelSize must be [height, width]", ex.Message);
    }

    [Fact]
    public void MaxPooling2D_takes_the_maximum_of_each_window()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Constant(NDArray.FromArray(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), [1, 4, 4, 1]));
        var pooled = Layers.MaxPooling2D(x, [2, 2], [2, 2]);
        Assert.StartsWith("max_pooling2d/", pooled.Op.Name);
        Assert.Equal(new Shape(1, 2, 2, 1), pooled.Shape);
        Assert.Equal([5f, 7, 13, 15], new Run(g).Value(pooled).ToArray<float>());
    }

    [Fact]
    public void Dropout_drops_and_rescales_only_when_training_is_true()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Constant(NDArray.FromArray(Enumerable.Repeat(1f, 1000).ToArray(), [10, 100]));
        var training = TF.Placeholder(DType.Bool, []);
        var y = Layers.Dropout(x, 0.4, training, seed: 7);
        Assert.Same(x, Layers.Dropout(x, 0.4));
        var run = new Run(g);

        Assert.All(run.Value(y, new FeedDict { [training] = false }).ToArray<float>(), v => Assert.Equal(1f, v));
        var dropped = run.Value(y, new FeedDict { [training] = true }).ToArray<float>();
        Assert.All(dropped, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.6f) < 1e-6, $"got {v}"));
        Assert.InRange(dropped.Count(v => v == 0), 300, 500);
    }

    [Fact]
    public void Dropout_passes_gradients_through_the_kept_elements_only()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2, 50]);
        var training = TF.Placeholder(DType.Bool, []);
        var y = Layers.Dropout(x, 0.5, training, seed: 3);
        var grad = TF.Gradients(TF.ReduceSum(y), [x])[0]!;
        var values = new Run(g).Values([y, grad], new FeedDict { [x] = NDArray.FromArray(Enumerable.Repeat(1f, 100).ToArray(), [2, 50]), [training] = true });
        Assert.Equal(values[0]!.ToArray<float>(), values[1]!.ToArray<float>());
    }
}
