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
}
