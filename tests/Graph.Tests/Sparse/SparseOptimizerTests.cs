using Xunit;

namespace ActorGraph.GraphTests.Sparse;

// Optimizers given IndexedSlices gradients, translated from TensorFlow 1's tensorflow/python/training tests:
// adagrad_test.py (dense and sparse), gradient_descent_test.py's testSparseBasic, momentum_test.py's testSparse,
// adam_test.py's testSparse and testSparseRepeatedIndices. Adam's sparse update here is lazy (untouched rows keep
// their moments), which TensorFlow 1's AdamOptimizer is not: Lazy_adam_leaves_rows_that_were_not_looked_up_alone.
public class SparseOptimizerTests
{
    private static Variable Var(string name, float[] values, params int[] shape) =>
        TF.GetVariable(name, new Shape(shape), initializer: new ValuesInitializer(values));

    private sealed class ValuesInitializer(float[] values) : Initializer
    {
        internal override Tensor Build(Shape shape, DType dtype) => TF.Cast(TF.Constant(NDArray.FromArray(values, shape)), dtype);
    }

    private static IndexedSlices Slices(float[] values, int[] valueShape, int[] indices, Shape dense) =>
        TF.MakeIndexedSlices(TF.Constant(NDArray.FromArray(values, new Shape(valueShape))), TF.Constant(indices), dense, null);

    private static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-6)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])), $"element {i}: {actual[i]}, expected {expected[i]}");
    }

    // adagrad_test.py testBasic: three dense steps of Adagrad(3.0, initial_accumulator_value=0.1).
    [Fact]
    public void Adagrad_Basic()
    {
        using var h = new SparseHarness();
        var var0 = Var("var0", [1, 2], 2);
        var var1 = Var("var1", [3, 4], 2);
        var update = new AdagradOptimizer(3.0, initialAccumulatorValue: 0.1).ApplyGradients(
            [(TF.Constant(new[] { 0.1f, 0.1f }), var0), (TF.Constant(new[] { 0.01f, 0.01f }), var1)]);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        for (int step = 0; step < 3; step++) h.Executor.Run(update);
        AssertClose([-1.6026098728179932f, -0.6026098728179932f], h.Values(var0));
        AssertClose([2.715679168701172f, 3.715679168701172f], h.Values(var1));
    }

    // adagrad_test.py testSparseBasic: only row 0 of var0 and row 1 of var1 move.
    [Fact]
    public void Adagrad_SparseBasic()
    {
        using var h = new SparseHarness();
        var var0 = Var("var0", [1, 2], 2, 1);
        var var1 = Var("var1", [3, 4], 2, 1);
        var grads0 = Slices([0.1f], [1, 1], [0], new Shape(2, 1));
        var grads1 = Slices([0.01f], [1, 1], [1], new Shape(2, 1));
        var update = new AdagradOptimizer(3.0, 0.1).ApplyGradients([(grads0, var0), (grads1, var1)]);
        Assert.Contains(update.ControlInputs, op => op.Type == "SparseApplyAdagrad");
        h.Executor.Run(TF.GlobalVariablesInitializer());
        for (int step = 0; step < 3; step++) h.Executor.Run(update);
        AssertClose([-1.6026098728179932f, 2.0f], h.Values(var0));
        AssertClose([3.0f, 3.715679168701172f], h.Values(var1));
    }

    // adagrad_test.py testSparseRepeatedIndices, and adam_test.py's: rows at a repeated index are summed first, so
    // [0.1, 0.1] at [1, 1] is one update by 0.2.
    [Theory]
    [InlineData("Adagrad")]
    [InlineData("Adam")]
    [InlineData("Momentum")]
    [InlineData("GradientDescent")]
    public void SparseRepeatedIndices(string optimizer)
    {
        using var h = new SparseHarness();
        Optimizer Make() => optimizer switch
        {
            "Adagrad" => new AdagradOptimizer(3.0),
            "Adam" => new AdamOptimizer(),
            "Momentum" => new MomentumOptimizer(2.0, 0.9),
            _ => new GradientDescentOptimizer(3.0),
        };
        var repeatedVar = Var("repeated", [1, 2], 2, 1);
        var aggregatedVar = Var("aggregated", [1, 2], 2, 1);
        var repeated = Make().ApplyGradients([(Slices([0.1f, 0.1f], [2, 1], [1, 1], new Shape(2, 1)), repeatedVar)]);
        var aggregated = Make().ApplyGradients([(Slices([0.2f], [1, 1], [1], new Shape(2, 1)), aggregatedVar)]);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        for (int step = 0; step < 3; step++)
        {
            h.Executor.Run(repeated);
            h.Executor.Run(aggregated);
            Assert.Equal(h.Values(aggregatedVar), h.Values(repeatedVar));
        }
        Assert.Equal(1f, h.Values(repeatedVar)[0]);
    }

    // gradient_descent_test.py testSparseBasic.
    [Fact]
    public void GradientDescent_SparseBasic()
    {
        using var h = new SparseHarness();
        var var0 = Var("var0", [1, 2], 2, 1);
        var var1 = Var("var1", [3, 4], 2, 1);
        var update = new GradientDescentOptimizer(3.0).ApplyGradients(
            [(Slices([0.1f], [1, 1], [0], new Shape(2, 1)), var0), (Slices([0.01f], [1, 1], [1], new Shape(2, 1)), var1)]);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        h.Executor.Run(update);
        AssertClose([1.0f - 3.0f * 0.1f, 2.0f], h.Values(var0));
        AssertClose([3.0f, 4.0f - 3.0f * 0.01f], h.Values(var1));
    }

    // momentum_test.py testSparse: the accumulator of an untouched row stays 0 and its value does not move.
    [Fact]
    public void Momentum_Sparse()
    {
        using var h = new SparseHarness();
        var var0 = Var("var0", new float[8], 4, 2);
        var var1 = Var("var1", Enumerable.Repeat(1f, 8).ToArray(), 4, 2);
        var grads0 = Slices([0.1f, 0.1f], [1, 2], [1], new Shape(4, 2));
        var grads1 = Slices([0.01f, 0.01f, 0.01f, 0.01f], [2, 2], [2, 3], new Shape(4, 2));
        var update = new MomentumOptimizer(learningRate: 2.0, momentum: 0.9).ApplyGradients([(grads0, var0), (grads1, var1)]);
        var slot0 = h.Graph.GetTensor("var0/Momentum:0");
        var slot1 = h.Graph.GetTensor("var1/Momentum:0");
        h.Executor.Run(TF.GlobalVariablesInitializer());

        h.Executor.Run(update);
        AssertClose([0, 0, .1f, .1f], h.Values(slot0)[..4]);
        AssertClose([.01f, .01f], h.Values(slot1)[4..6]);
        AssertClose([0, 0, -(0.1f * 2.0f), -(0.1f * 2.0f)], h.Values(var0)[..4]);
        AssertClose([1.0f - 0.01f * 2.0f, 1.0f - 0.01f * 2.0f], h.Values(var1)[4..6]);

        h.Executor.Run(update);
        AssertClose([0, 0, 0.9f * 0.1f + 0.1f, 0.9f * 0.1f + 0.1f], h.Values(slot0)[..4]);
        AssertClose([0.9f * 0.01f + 0.01f, 0.9f * 0.01f + 0.01f], h.Values(slot1)[4..6]);
        float row1 = -(0.1f * 2.0f) - (0.9f * 0.1f + 0.1f) * 2.0f;
        AssertClose([0, 0, row1, row1], h.Values(var0)[..4]);
        float row2 = 0.98f - (0.9f * 0.01f + 0.01f) * 2.0f;
        AssertClose([row2, row2], h.Values(var1)[4..6]);
        AssertClose([1, 1], h.Values(var1)[..2]);
    }

    // adam_test.py adam_update_numpy.
    private static (double Param, double M, double V) AdamNumpy(double param, double g, int t, double m, double v,
        double alpha = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        double alphaT = alpha * Math.Sqrt(1 - Math.Pow(beta2, t + 1)) / (1 - Math.Pow(beta1, t + 1));
        double mT = beta1 * m + (1 - beta1) * g;
        double vT = beta2 * v + (1 - beta2) * g * g;
        return (param - alphaT * mT / (Math.Sqrt(vT) + epsilon), mT, vT);
    }

    // adam_test.py testSparse: every row touched, so lazy and dense Adam agree.
    [Fact]
    public void Adam_Sparse()
    {
        using var h = new SparseHarness();
        double[] var0 = [1.0, 2.0], var1 = [3.0, 4.0], grads0 = [0.1, 0.1], grads1 = [0.01, 0.01];
        var v0 = Var("var0", [1, 2], 2);
        var v1 = Var("var1", [3, 4], 2);
        var update = new AdamOptimizer().ApplyGradients(
            [(Slices([0.1f, 0.1f], [2], [0, 1], new Shape(2)), v0), (Slices([0.01f, 0.01f], [2], [0, 1], new Shape(2)), v1)]);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        var m = new double[4];
        var v = new double[4];
        for (int t = 0; t < 3; t++)
        {
            h.Executor.Run(update);
            for (int i = 0; i < 2; i++)
            {
                (var0[i], m[i], v[i]) = AdamNumpy(var0[i], grads0[i], t, m[i], v[i]);
                (var1[i], m[2 + i], v[2 + i]) = AdamNumpy(var1[i], grads1[i], t, m[2 + i], v[2 + i]);
            }
            AssertClose([.. var0.Select(x => (float)x)], h.Values(v0));
            AssertClose([.. var1.Select(x => (float)x)], h.Values(v1));
        }
    }

    // The difference from TensorFlow 1: its Adam decays every row's moments on a sparse step, so a row looked up
    // once keeps moving on the steps after; here a row not looked up keeps its value and its moments.
    [Fact]
    public void Lazy_adam_leaves_rows_that_were_not_looked_up_alone()
    {
        using var h = new SparseHarness();
        var table = Var("table", [1, 2, 3], 3);
        var both = new AdamOptimizer(0.1).ApplyGradients([(Slices([0.5f, 0.5f], [2], [0, 1], new Shape(3)), table)]);
        var onlyRow0 = new AdamOptimizer(0.1).ApplyGradients([(Slices([0.5f], [1], [0], new Shape(3)), table)]);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        h.Executor.Run(both);
        var m = h.Graph.GetTensor("table/Adam:0");
        var afterFirst = h.Values(table);
        var mAfterFirst = h.Values(m);
        Assert.Equal(3f, afterFirst[2]);
        Assert.Equal(0f, mAfterFirst[2]);
        for (int step = 0; step < 3; step++) h.Executor.Run(onlyRow0);
        var after = h.Values(table);
        Assert.Equal(afterFirst[1], after[1]);
        Assert.Equal(mAfterFirst[1], h.Values(m)[1]);
        Assert.NotEqual(afterFirst[0], after[0]);
        Assert.Equal(3f, after[2]);
    }

    // The ops an embedding model's Minimize adds: sparse updates for the looked-up table, dense ones elsewhere.
    [Theory]
    [InlineData("GradientDescent", "SparseApplyGradientDescent")]
    [InlineData("Momentum", "SparseApplyMomentum")]
    [InlineData("Adam", "SparseApplyAdam")]
    [InlineData("Adagrad", "SparseApplyAdagrad")]
    public void Minimize_applies_a_lookups_gradient_sparsely(string optimizer, string sparseOp)
    {
        using var h = new SparseHarness();
        var table = TF.GetPartitionedVariable("emb", [10, 4], TF.FixedSizePartitioner(2), initializer: TF.OnesInitializer());
        var w = TF.GetVariable("w", [4, 1], initializer: TF.OnesInitializer());
        var ids = TF.Placeholder(DType.Int32, [3]);
        // "div": the parts concatenated are the rows in id order.
        var loss = TF.ReduceSum(TF.MatMul(TF.EmbeddingLookup(table, ids, "div"), w));
        Optimizer opt = optimizer switch
        {
            "GradientDescent" => new GradientDescentOptimizer(0.5),
            "Momentum" => new MomentumOptimizer(0.5, 0.9),
            "Adam" => new AdamOptimizer(0.5),
            _ => new AdagradOptimizer(0.5),
        };
        var grads = opt.ComputeGradients(loss);
        Assert.All(grads.Where(p => p.Variable != w), p => Assert.IsType<IndexedSlices>(p.Gradient));
        Assert.IsNotType<IndexedSlices>(grads.Single(p => p.Variable == w).Gradient);
        var train = opt.ApplyGradients(grads);
        Assert.Equal(2, train.ControlInputs.Count(op => op.Type == sparseOp));
        Assert.Single(train.ControlInputs, op => op.Type != sparseOp);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        h.Executor.Run(train, new FeedDict { [ids] = new[] { 1, 1, 6 } });
        var whole = h.Values(table.AsTensor());
        for (int id = 0; id < 10; id++)
        {
            bool touched = id is 1 or 6;
            Assert.True(touched ? whole[id * 4] < 1f : whole[id * 4] == 1f, $"row {id}: {whole[id * 4]}");
        }
    }
}
