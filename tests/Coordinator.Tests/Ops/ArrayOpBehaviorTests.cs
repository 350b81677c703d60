using Xunit;

namespace ActorGraph.Coordinator.Tests.Ops;

// What the op table cannot say about the array, index and loss ops: TensorFlow's names, ops with
// many outputs across workers, ties, the value at a kink, and indices out of range at run time.
public class ArrayOpBehaviorTests
{
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Build, string Type, string Name)> Names = new()
    {
        ["Concat"] = (x => TF.Concat([x, x], 0), "ConcatV2", "concat"),
        ["Stack"] = (x => TF.Stack([x, x]), "Pack", "stack"),
        ["Unstack"] = (x => TF.Unstack(x)[1], "Unpack", "unstack"),
        ["Split"] = (x => TF.Split(x, 3, 1)[2], "Split", "split"),
        ["Slice"] = (x => TF.Slice(x, [0, 1], [-1, 1]), "Slice", "Slice"),
        ["Gather"] = (x => TF.Gather(x, TF.Constant(new[] { 1, 0 })), "GatherV2", "GatherV2"),
        ["OneHot"] = (x => TF.OneHot(TF.Cast(x, DType.Int32), 4), "OneHot", "one_hot"),
        ["ExpandDims"] = (x => TF.ExpandDims(x, 1), "ExpandDims", "ExpandDims"),
        ["Squeeze"] = (x => TF.Squeeze(TF.ExpandDims(x, 0)), "Squeeze", "Squeeze"),
        ["Pad"] = (x => TF.Pad(x, new[,] { { 1, 1 }, { 0, 0 } }), "Pad", "Pad"),
        ["Tile"] = (x => TF.Tile(x, [1, 2]), "Tile", "Tile"),
        ["Where"] = (x => TF.Where(TF.Greater(x, TF.ZerosLike(x)), x, -x), "Select", "Select"),
        ["Fill"] = (_ => TF.Fill([2, 3], 1), "Fill", "Fill"),
        ["Range"] = (_ => TF.Range(0, 3), "Range", "range"),
        ["ReduceMax"] = (x => TF.ReduceMax(x), "Max", "Max"),
        ["L2Loss"] = (x => TF.L2Loss(x), "Mul", "L2Loss"),
        ["SigmoidCrossEntropyWithLogits"] = (x => TF.SigmoidCrossEntropyWithLogits(x, x), "Add", "logistic_loss"),
        ["SparseSoftmaxCrossEntropyWithLogits"] = (x => TF.SparseSoftmaxCrossEntropyWithLogits(TF.Constant(new[] { 0, 1 }), x),
            "SparseSoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits"),
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
    }

    [Fact]
    public void A_builder_given_a_name_names_its_last_op_so_and_its_other_ops_under_it()
    {
        using var scope = new Graph().AsDefault();
        var loss = TF.L2Loss(TF.Placeholder(DType.Float32, [3]), name: "weight_decay");
        Assert.Equal("weight_decay", loss.Op.Name);
        Assert.StartsWith("weight_decay/", loss.Op.Inputs[0].Op.Name);
    }

    [Fact]
    public void Split_is_one_operation_with_an_output_per_part_however_many_parts()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2, 12]);
        var parts = TF.Split(x, 12, axis: 1);
        Assert.Equal(12, parts.Length);
        Assert.All(parts, p => Assert.Same(parts[0].Op, p.Op));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"split:{i}"), parts.Select(p => p.Name));
        Assert.Same(parts[11], g.GetTensor("split:11"));
        Assert.All(parts, p => Assert.Equal(new Shape(2, 1), p.Shape));
        var values = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        using var sess = new Session(g);
        var results = sess.Run([.. parts.Select(p => (Fetch)p)], new FeedDict { [x] = NDArray.FromArray(values, [2, 12]) });
        for (int i = 0; i < 12; i++) Assert.Equal(new[] { i, 12f + i }, results[i]!.ToArray<float>());
    }

    [Fact]
    public void Parts_of_one_Unstack_used_on_another_worker_arrive_and_carry_their_gradients_back()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float64, [10, 2]);
        Tensor[] rows;
        using (TF.Device("/job:worker/task:0")) rows = TF.Unstack(x * 1.0);
        Tensor y;
        using (TF.Device("/job:worker/task:1")) y = TF.ReduceSum(rows[9] * 3.0 + rows[2] - rows[9]);
        var dx = TF.Gradients(y, [x])[0]!;
        var feed = new FeedDict { [x] = NDArray.FromArray(Enumerable.Range(0, 20).Select(i => (double)i).ToArray(), [10, 2]) };
        using var sess = new Session(g, new SessionOptions { Workers = 2 });
        var r = sess.Run([y, dx], feed);
        Assert.Equal(2 * (18.0 + 19.0) + 4 + 5, r[0]!.ToScalar<double>());
        var expected = new double[20];
        expected[4] = expected[5] = 1;
        expected[18] = expected[19] = 2;
        Assert.Equal(expected, r[1]!.ToArray<double>());
    }

    [Fact]
    public void ReduceMax_shares_the_gradient_between_tied_maxima()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Constant(new double[,] { { 1, 3, 3, 2 }, { 5, 5, 5, 0 } });
        var rows = TF.ReduceMax(x, [1]);
        var all = TF.ReduceMax(x, keepDims: true);
        using var sess = new Session(g);
        Assert.Equal(new[] { 0, 0.5, 0.5, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 0 }, sess.Run(TF.Gradients(rows, [x])[0]!).ToArray<double>());
        Assert.Equal(new[] { 0, 0, 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 0 }, sess.Run(TF.Gradients(all, [x])[0]!).ToArray<double>());
    }

    [Fact]
    public void Where_with_a_vector_condition_picks_whole_rows()
    {
        using var scope = new Graph().AsDefault();
        var picked = TF.Where(TF.Constant(new[] { true, false, true }), TF.Constant(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }), TF.Fill([3, 2], -1));
        using var sess = new Session();
        Assert.Equal(new float[] { 1, 2, -1, -1, 5, 6 }, sess.Run(picked).ToArray<float>());
    }

    [Fact]
    public void Sigmoid_cross_entropy_stays_finite_for_large_logits_and_has_the_true_gradient_at_zero()
    {
        using var scope = new Graph().AsDefault();
        var logits = TF.Constant(new double[] { 100, -100, 0, 0 });
        var labels = TF.Constant(new double[] { 0, 1, 1, 0.25 });
        var loss = TF.SigmoidCrossEntropyWithLogits(labels, logits);
        using var sess = new Session();
        Assert.Equal(new[] { 100, 100, Math.Log(2), Math.Log(2) }, sess.Run(loss).ToArray<double>(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(new[] { 1, -1, 0.5 - 1, 0.5 - 0.25 }, sess.Run(TF.Gradients(TF.ReduceSum(loss), [logits])[0]!).ToArray<double>(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void OneHot_gives_a_row_of_zeros_for_an_index_outside_the_depth_as_TensorFlow()
    {
        using var scope = new Graph().AsDefault();
        using var sess = new Session();
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 0 }, sess.Run(TF.OneHot(TF.Constant(new[] { 1, -1 }), 3)).ToArray<float>());
    }

    [Fact]
    public void Gather_gradient_adds_up_the_rows_of_repeated_indices()
    {
        using var scope = new Graph().AsDefault();
        var table = TF.Constant(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var picked = TF.Gather(table, TF.Constant(new[] { 2, 0, 2 }));
        using var sess = new Session();
        Assert.Equal(new double[] { 5, 6, 1, 2, 5, 6 }, sess.Run(picked).ToArray<double>());
        Assert.Equal(new double[] { 1, 1, 0, 0, 2, 2 }, sess.Run(TF.Gradients(TF.ReduceSum(picked), [table])[0]!).ToArray<double>());
    }

    // Each: the op on placeholders, a feed with an index out of range (and the text the error must
    // carry), then a good feed on the same session with its result.
    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Build, NDArray[] Bad, string[] Names, NDArray[] Good, double[] Expected)> IndexErrors = new()
    {
        ["Gather past the end"] = ((p, i) => TF.Gather(p, i), [new float[] { 1, 2, 3, 4, 5 }, new[] { 0, 7 }],
            ["GatherV2", "indices[1] = 7 is not in [0, 5)"], [new float[] { 1, 2, 3, 4, 5 }, new[] { 4, 0 }], [5, 1]),
        ["Gather at a negative index"] = ((p, i) => TF.Gather(p, i, axis: 1), [new float[,] { { 1, 2 } }, new[] { -1 }],
            ["GatherV2", "indices[0] = -1 is not in [0, 2)"], [new float[,] { { 1, 2 } }, new[] { 1 }], [2]),
        ["Sparse cross-entropy with a label past the classes"] = ((l, i) => TF.SparseSoftmaxCrossEntropyWithLogits(i, l), [new float[,] { { 0, 0 }, { 0, 0 } }, new[] { 1, 2 }],
            ["SparseSoftmaxCrossEntropyWithLogits", "Received a label value of 2 which is outside the valid range of [0, 2)"],
            [new float[,] { { 0, 0 }, { 0, 0 } }, new[] { 1, 0 }], [Math.Log(2), Math.Log(2)]),
    };

    public static TheoryData<string> IndexErrorNames() => new(IndexErrors.Keys);

    [Theory]
    [MemberData(nameof(IndexErrorNames))]
    public void An_index_out_of_range_fails_the_step_naming_the_index_and_the_size_and_the_session_stays_usable(string name)
    {
        var (build, bad, names, good, expected) = IndexErrors[name];
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor a = TF.Placeholder(DType.Float32), indices = TF.Placeholder(DType.Int32);
        var result = build(a, indices);
        using var sess = new Session(g);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(result, new FeedDict { [a] = bad[0], [indices] = bad[1] }));
        foreach (var fragment in names) Assert.Contains(fragment, e.Message);
        Assert.Equal(expected, sess.Run(result, new FeedDict { [a] = good[0], [indices] = good[1] }).ToArray<double>(), (x, y) => Math.Abs(x - y) < 1e-6);
    }
}
