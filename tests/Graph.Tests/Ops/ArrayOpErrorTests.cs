using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

public class ArrayOpErrorTests
{
    private static Tensor F32(params int[] dims) => TF.Placeholder(DType.Float32, new Shape(dims));
    private static Tensor Of(DType dtype, params int[] dims) => TF.Placeholder(dtype, new Shape(dims));

    // Each: what is built, and what its ArgumentException must name (the op type, shapes or dtypes).
    private static readonly Dictionary<string, (Func<Tensor> Build, string[] Names)> ConstructionErrors = new()
    {
        ["Concat of different ranks"] = (() => TF.Concat([F32(2, 3), F32(3)], 0), ["ConcatV2", "rank", "(2, 3)", "(3,)"]),
        ["Concat of shapes that differ off the axis"] = (() => TF.Concat([F32(2, 3), F32(3, 3)], 1), ["ConcatV2", "dimension 0", "(2, 3)", "(3, 3)"]),
        ["Concat along an axis out of range"] = (() => TF.Concat([F32(2, 3)], 2), ["ConcatV2", "axis 2", "(2, 3)"]),
        ["Concat of float32 and int32"] = (() => TF.Concat([F32(2), Of(DType.Int32, 2)], 0), ["ConcatV2", "float32", "int32"]),
        ["Concat of scalars"] = (() => TF.Concat([F32(), F32()], 0), ["ConcatV2", "scalars", "TF.Stack"]),
        ["Concat of nothing"] = (() => TF.Concat([], 0), ["ConcatV2", "at least one"]),
        ["Stack of different shapes"] = (() => TF.Stack([F32(2, 3), F32(3, 2)]), ["Pack", "(2, 3)", "(3, 2)"]),
        ["Stack along an axis out of range"] = (() => TF.Stack([F32(2)], 2), ["Pack", "axis 2", "(2,)"]),
        ["Unstack along a dimension of unknown size"] = (() => TF.Unstack(F32(-1, 3))[0], ["Unpack", "(?, 3)"]),
        ["Unstack of a tensor of unknown shape"] = (() => TF.Unstack(TF.Placeholder(DType.Float32))[0], ["Unpack", "unknown"]),
        ["Unstack along an axis out of range"] = (() => TF.Unstack(F32(2, 3), 2)[0], ["Unpack", "axis 2", "(2, 3)"]),
        ["Split that does not divide the axis"] = (() => TF.Split(F32(2, 5), 2, 1)[0], ["Split", "size = 5", "num_split 2", "(2, 5)"]),
        ["Split along a negative axis out of range"] = (() => TF.Split(F32(2, 4), 2, -3)[0], ["Split", "axis -3", "(2, 4)"]),
        ["Split into no parts"] = (() => TF.Split(F32(2, 4), 0)[0], ["Split", "numSplit", "0"]),
        ["Slice past the end"] = (() => TF.Slice(F32(3, 4), [2, 0], [2, -1]), ["Slice", "begin [2, 0]", "size [2, -1]", "(3, 4)"]),
        ["Slice with a begin of another rank"] = (() => TF.Slice(F32(3, 4), [0], [1]), ["Slice", "rank 2", "(3, 4)"]),
        ["Slice with a size below -1"] = (() => TF.Slice(F32(3, 4), [0, 0], [1, -2]), ["Slice", "size [1, -2]"]),
        ["Gather with float indices"] = (() => TF.Gather(F32(3), F32(2)), ["GatherV2", "int32 or int64", "float32"]),
        ["Gather along an axis out of range"] = (() => TF.Gather(F32(3, 2), Of(DType.Int32, 2), 2), ["GatherV2", "axis 2", "(3, 2)"]),
        ["Gather from a scalar"] = (() => TF.Gather(F32(), Of(DType.Int32, 2)), ["GatherV2", "scalar"]),
        ["OneHot of float indices"] = (() => TF.OneHot(F32(3), 4), ["OneHot", "float32"]),
        ["OneHot of a negative depth"] = (() => TF.OneHot(Of(DType.Int32, 3), -1), ["OneHot", "depth", "-1"]),
        ["ExpandDims at an axis out of range"] = (() => TF.ExpandDims(F32(2, 3), 3), ["ExpandDims", "axis 3", "(2, 3)"]),
        ["Squeeze of an axis that is not 1"] = (() => TF.Squeeze(F32(2, 3), [1]), ["Squeeze", "dim[1]", "got 3", "(2, 3)"]),
        ["Squeeze of an axis out of range"] = (() => TF.Squeeze(F32(1, 3), [2]), ["Squeeze", "axis 2", "(1, 3)"]),
        ["Pad with a row per axis missing"] = (() => TF.Pad(F32(2, 3), new[,] { { 1, 1 } }), ["Pad", "[2, 2]", "(2, 3)"]),
        ["Pad with rows of three"] = (() => TF.Pad(F32(2), new int[1, 3]), ["Pad", "[1, 3]"]),
        ["Pad by a negative amount"] = (() => TF.Pad(F32(2), new[,] { { -1, 0 } }), ["Pad", "-1", "(2,)"]),
        ["Tile with multiples of another rank"] = (() => TF.Tile(F32(2, 3), [2]), ["Tile", "[2]", "(2, 3)"]),
        ["Tile by a negative multiple"] = (() => TF.Tile(F32(2), [-1]), ["Tile", "[-1]"]),
        ["Where of x and y of different shapes"] = (() => TF.Where(Of(DType.Bool, 2), F32(2), F32(3)), ["Select", "(2,)", "(3,)"]),
        ["Where of x and y of different dtypes"] = (() => TF.Where(Of(DType.Bool, 2), F32(2), Of(DType.Float64, 2)), ["Select", "float32", "float64"]),
        ["Where with a float condition"] = (() => TF.Where(F32(2), F32(2), F32(2)), ["Select", "bool", "float32"]),
        ["Where with a condition of another shape"] = (() => TF.Where(Of(DType.Bool, 3), F32(2, 3), F32(2, 3)), ["Select", "(3,)", "(2, 3)"]),
        ["Fill of a shape not fully defined"] = (() => TF.Fill([-1, 2], 0), ["Fill", "(?, 2)"]),
        ["Range by 0"] = (() => TF.Range(0, 3, 0), ["Range", "delta != 0"]),
        ["Range upwards from above the limit"] = (() => TF.Range(5, 2), ["Range", "5/2"]),
        ["ReduceMax over an axis out of range"] = (() => TF.ReduceMax(F32(2, 3), [2]), ["Max", "axis 2", "(2, 3)"]),
        ["ReduceMax of bools"] = (() => TF.ReduceMax(Of(DType.Bool, 2)), ["Max", "bool"]),
        ["Sparse cross-entropy with float labels"] = (() => TF.SparseSoftmaxCrossEntropyWithLogits(F32(2), F32(2, 3)), ["SparseSoftmaxCrossEntropyWithLogits", "int32 or int64", "float32"]),
        ["Sparse cross-entropy with int logits"] = (() => TF.SparseSoftmaxCrossEntropyWithLogits(Of(DType.Int32, 2), Of(DType.Int32, 2, 3)), ["SparseSoftmaxCrossEntropyWithLogits", "float32 or float64"]),
        ["Sparse cross-entropy of another batch"] = (() => TF.SparseSoftmaxCrossEntropyWithLogits(Of(DType.Int32, 3), F32(2, 3)), ["SparseSoftmaxCrossEntropyWithLogits", "(2, 3)", "(3,)"]),
        ["Sparse cross-entropy with matrix labels"] = (() => TF.SparseSoftmaxCrossEntropyWithLogits(Of(DType.Int32, 2, 3), F32(2, 3)), ["SparseSoftmaxCrossEntropyWithLogits", "(2, 3)", "vector"]),
        ["Sigmoid cross-entropy of different shapes"] = (() => TF.SigmoidCrossEntropyWithLogits(F32(3), F32(2, 3)), ["SigmoidCrossEntropyWithLogits", "(2, 3)", "(3,)"]),
        ["Sigmoid cross-entropy of different dtypes"] = (() => TF.SigmoidCrossEntropyWithLogits(Of(DType.Float64, 3), F32(3)), ["SigmoidCrossEntropyWithLogits", "float32", "float64"]),
    };

    public static TheoryData<string> ConstructionErrorNames() => new(ConstructionErrors.Keys);

    [Theory]
    [MemberData(nameof(ConstructionErrorNames))]
    public void A_construction_error_throws_at_once_naming_the_op_and_its_shapes_or_dtypes(string name)
    {
        var (build, names) = ConstructionErrors[name];
        using var scope = new Graph().AsDefault();
        var e = Assert.ThrowsAny<ArgumentException>(() => build());
        foreach (var fragment in names) Assert.Contains(fragment, e.Message);
    }

    // Each: placeholders of unknown shape, the op, a feed that does not fit (with the text the error
    // must carry) and one that does (with its result), run in that order on one session.
    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Build, NDArray[] Bad, string[] Names, NDArray[] Good, double[] Expected)> RunErrors = new()
    {
        ["Concat of [1,2] and [1,3] along 0"] = ((a, b) => TF.Concat([a, b], 0),
            [new float[,] { { 1, 2 } }, new float[,] { { 1, 2, 3 } }],
            ["ConcatV2", "Dimensions of inputs should match: shape[0] = [1,2] vs. shape[1] = [1,3]"],
            [new float[,] { { 1, 2 } }, new float[,] { { 3, 4 } }], [1, 2, 3, 4]),
        ["Stack of [2] and [3]"] = ((a, b) => TF.Stack([a, b]),
            [new float[] { 1, 2 }, new float[] { 1, 2, 3 }],
            ["Pack", "values[0].shape = [2] != values[1].shape = [3]"],
            [new float[] { 1, 2 }, new float[] { 3, 4 }], [1, 2, 3, 4]),
        ["Split of [5] into 2"] = ((a, _) => TF.Split(a, 2)[1],
            [new float[] { 1, 2, 3, 4, 5 }, 0f],
            ["Split", "split_dim 0 (size = 5) and num_split 2"],
            [new float[] { 1, 2, 3, 4 }, 0f], [3, 4]),
        ["Slice of [2] from 1 taking 2"] = ((a, _) => TF.Slice(a, [1], [2]),
            [new float[] { 1, 2 }, 0f],
            ["Slice", "begin [1] and size [2]", "[2]"],
            [new float[] { 1, 2, 3 }, 0f], [2, 3]),
        ["Where of [2] and [3]"] = ((a, b) => TF.Where(TF.Greater(a, TF.ZerosLike(a)), a, b),
            [new float[] { 1, -2 }, new float[] { 5, 6, 7 }],
            ["Select", "[2] vs. [3]"],
            [new float[] { 1, -2 }, new float[] { 5, 6 }], [1, 6]),
        ["Squeeze of [2] along 0"] = ((a, _) => TF.Squeeze(a, [0]),
            [new float[] { 1, 2 }, 0f],
            ["Squeeze", "Can not squeeze dim[0], expected a dimension of 1, got 2"],
            [new float[,] { { 1, 2 } }, 0f], [1, 2]),
    };

    public static TheoryData<string> RunErrorNames() => new(RunErrors.Keys);

    [Theory]
    [MemberData(nameof(RunErrorNames))]
    public void Shapes_that_only_meet_at_run_time_fail_the_step_with_TensorFlows_text_and_the_session_stays_usable(string name)
    {
        var (build, bad, names, good, expected) = RunErrors[name];
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor a = TF.Placeholder(DType.Float32), b = TF.Placeholder(DType.Float32);
        var result = build(a, b);
        var sess = new LocalExecutor(g);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(result, new FeedDict { [a] = bad[0], [b] = bad[1] }));
        foreach (var fragment in names) Assert.Contains(fragment, e.Message);
        var value = sess.Run(result, new FeedDict { [a] = good[0], [b] = good[1] });
        Assert.Equal(expected, value.ToArray<double>(), (x, y) => Math.Abs(x - y) < 1e-6);
    }
}
