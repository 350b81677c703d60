using Xunit;

namespace ActorGraph.GraphTests.Sparse;

// Translated from TensorFlow 1's tensorflow/python/kernel_tests/scatter_ops_test.py (ScatterTest) and the
// ScatterAddSubTest of embedding_ops_test.py: rows of a variable added to, subtracted from or overwritten.
public class ScatterOpsTests
{
    private static readonly (string Name, Func<Variable, Tensor, Tensor, Tensor> Op, Func<double, double, double> Numpy)[] Ops =
    [
        ("ScatterAdd", (v, i, u) => TF.ScatterAdd(v, i, u), (p, u) => p + u),
        ("ScatterSub", (v, i, u) => TF.ScatterSub(v, i, u), (p, u) => p - u),
        ("ScatterUpdate", (v, i, u) => TF.ScatterUpdate(v, i, u), (_, u) => u),
    ];

    public static TheoryData<string, bool> OpsAndRepeats()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (name, _, _) in Ops)
        {
            data.Add(name, false);
            // ScatterUpdate with repeated indices keeps one of the rows: the test, as TensorFlow's, repeats only for add and sub.
            if (name != "ScatterUpdate") data.Add(name, true);
        }
        return data;
    }

    // ScatterTest._VariableRankTest over ranks 1 to 3 of the variable and 1 to 2 of the indices; with
    // repeat_indices the rows add up (EmbeddingOps' ScatterAddSubTest.testWithRepetitions).
    [Theory]
    [MemberData(nameof(OpsAndRepeats))]
    public void VariableRank(string name, bool repeatIndices)
    {
        var (_, op, numpy) = Ops.Single(o => o.Name == name);
        var rng = new Random(name.Length + (repeatIndices ? 100 : 0));
        foreach (int[] paramsShape in new[] { new[] { 10 }, [10, 3], [10, 2, 3] })
            foreach (int[] indicesShape in new[] { new[] { 4 }, [2, 2] })
            {
                using var h = new SparseHarness();
                int count = indicesShape.Aggregate(1, (a, b) => a * b), rowLength = paramsShape[1..].Aggregate(1, (a, b) => a * b);
                int[] indices = repeatIndices
                    ? [.. Enumerable.Range(0, count).Select(_ => rng.Next(paramsShape[0] / 2))]
                    : [.. Enumerable.Range(0, paramsShape[0]).OrderBy(_ => rng.Next()).Take(count)];
                double[] initial = [.. Enumerable.Range(0, paramsShape.Aggregate(1, (a, b) => a * b)).Select(_ => rng.NextDouble())];
                double[] updates = [.. Enumerable.Range(0, count * rowLength).Select(_ => rng.NextDouble())];
                var v = TF.GetVariable("v", new Shape(paramsShape), DType.Float64, TF.ZerosInitializer());
                var set = TF.Assign(v, TF.Constant(NDArray.FromArray(initial, new Shape(paramsShape))));
                var result = op(v, TF.Constant(NDArray.FromArray(indices, new Shape(indicesShape))),
                    TF.Constant(NDArray.FromArray(updates, new Shape([.. indicesShape, .. paramsShape[1..]]))));
                h.Executor.Run(set);
                var expected = (double[])initial.Clone();
                for (int i = 0; i < count; i++)
                    for (int j = 0; j < rowLength; j++)
                        expected[indices[i] * rowLength + j] = numpy(expected[indices[i] * rowLength + j], updates[i * rowLength + j]);
                var returned = h.Executor.Run(result).ToArray<double>();
                // Repeated rows are summed before they are added, so the last bits may differ from the loop's order.
                var stored = h.Executor.Run(v).ToArray<double>();
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i], returned[i], 12);
                    Assert.Equal(expected[i], stored[i], 12);
                }
            }
    }

    // ScatterTest.testScatterOutOfRangeCpu: an index outside [0, rows) fails naming it, and changes nothing.
    [Theory]
    [InlineData("ScatterAdd")]
    [InlineData("ScatterSub")]
    [InlineData("ScatterUpdate")]
    public void ScatterOutOfRange(string name)
    {
        var (_, op, _) = Ops.Single(o => o.Name == name);
        using var h = new SparseHarness();
        var v = TF.GetVariable("v", [6], initializer: TF.ZerosInitializer());
        var set = TF.Assign(v, TF.Constant(new float[] { 1, 2, 3, 4, 5, 6 }));
        var updates = TF.Constant(new float[] { -3, -4, -5 });
        h.Executor.Run(set);
        h.Executor.Run(op(v, TF.Constant(new[] { 2, 0, 5 }), updates));
        var before = h.Executor.Run(v).ToArray<float>();
        var negative = Assert.Throws<InvalidArgumentException>(() => h.Executor.Run(op(v, TF.Constant(new[] { -1, 0, 5 }), updates)));
        Assert.Contains("indices[0] = -1 is not in [0, 6)", negative.Message);
        var past = Assert.Throws<InvalidArgumentException>(() => h.Executor.Run(op(v, TF.Constant(new[] { 2, 0, 6 }), updates)));
        Assert.Contains("indices[2] = 6 is not in [0, 6)", past.Message);
        Assert.Equal(before, h.Executor.Run(v).ToArray<float>());
    }

    // ScatterAddSubTest.testWrongShape: indices and updates that do not match fail at construction.
    [Fact]
    public void WrongShape()
    {
        using var h = new SparseHarness();
        var v = TF.GetVariable("v", [1024, 64, 64], initializer: TF.ZerosInitializer());
        var indices = TF.Placeholder(DType.Int32, [32]);
        var e = Assert.Throws<ArgumentException>(() => TF.ScatterAdd(v, indices, TF.Placeholder(DType.Float32, [33, 64, 64])));
        Assert.Contains("(32, 64, 64)", e.Message);
        Assert.Throws<ArgumentException>(() => TF.ScatterAdd(v, indices, TF.Placeholder(DType.Float32, [32, 64, 63])));
        Assert.Contains("int32 or int64", Assert.Throws<ArgumentException>(() => TF.ScatterSub(v, TF.Placeholder(DType.Float32, [32]), TF.Placeholder(DType.Float32, [32, 64, 64]))).Message);
    }

    // An integer variable takes scatters too (ScatterTest runs them over int32).
    [Fact]
    public void Integer_variables_take_scatters()
    {
        using var h = new SparseHarness();
        var v = TF.GetVariable("counts", [4], DType.Int64);
        h.Executor.Run(TF.GlobalVariablesInitializer());
        h.Executor.Run(TF.ScatterAdd(v, TF.Constant(new[] { 1, 3, 1 }), TF.Constant(new long[] { 5, 2, 5 })));
        Assert.Equal([0L, 10, 0, 2], h.Executor.Run(v).ToArray<long>());
    }

    [Fact]
    public void A_scatter_of_an_uninitialized_variable_says_so()
    {
        using var h = new SparseHarness();
        var v = TF.GetVariable("v", [3]);
        var e = Assert.Throws<FailedPreconditionException>(() => h.Executor.Run(TF.ScatterAdd(v, TF.Constant(new[] { 0 }), TF.Constant(new[] { 1f }))));
        Assert.Contains("uninitialized value v", e.Message);
    }
}
