using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

public class OpErrorTests
{
    private static Tensor F32(params int[] dims) => TF.Placeholder(DType.Float32, new Shape(dims));
    private static Tensor Of(DType dtype, params int[] dims) => TF.Placeholder(dtype, new Shape(dims));

    // Each: what is built, and what its ArgumentException must name (the op type, shapes or dtypes).
    private static readonly Dictionary<string, (Func<Tensor> Build, string[] Names)> ConstructionErrors = new()
    {
        ["Add of shapes that cannot broadcast"] = (() => F32(2, 3) + F32(4), ["Add", "(2, 3)", "(4,)"]),
        ["Add of float32 and int32"] = (() => TF.Add(F32(2), Of(DType.Int32, 2)), ["Add", "float32", "int32"]),
        ["Maximum of shapes that cannot broadcast"] = (() => TF.Maximum(F32(2, 3), F32(2)), ["Maximum", "(2, 3)", "(2,)"]),
        ["Equal of float32 and float64"] = (() => TF.Equal(F32(2), Of(DType.Float64, 2)), ["Equal", "float32", "float64"]),
        ["Less of bools"] = (() => TF.Less(Of(DType.Bool, 2), Of(DType.Bool, 2)), ["Less", "bool"]),
        ["Sqrt of int32"] = (() => TF.Sqrt(Of(DType.Int32, 2)), ["Sqrt", "int32"]),
        ["Pow of int32"] = (() => TF.Pow(Of(DType.Int32, 2), Of(DType.Int32, 2)), ["Pow", "int32"]),
        ["MatMul of mismatched inner dimensions"] = (() => TF.MatMul(F32(2, 3), F32(2, 3)), ["MatMul", "[2,3]", "Dimensions must be equal, but are 3 and 2"]),
        ["MatMul with transposeB of mismatched dimensions"] = (() => TF.MatMul(F32(2, 3), F32(3, 4), transposeB: true), ["MatMul", "[3,4]", "transposeB: True"]),
        ["MatMul of a rank-3 input"] = (() => TF.MatMul(F32(2, 3, 4), F32(4, 2)), ["MatMul", "(2, 3, 4)"]),
        ["MatMul of float32 and float64"] = (() => TF.MatMul(F32(2, 3), Of(DType.Float64, 3, 2)), ["MatMul", "float32", "float64"]),
        ["ReduceSum over an axis out of range"] = (() => TF.ReduceSum(F32(2, 3), [2]), ["Sum", "axis 2", "(2, 3)"]),
        ["ReduceMean over a negative axis out of range"] = (() => TF.ReduceMean(F32(2, 3), [-3]), ["Mean", "axis -3", "(2, 3)"]),
        ["ReduceSum over an axis listed twice"] = (() => TF.ReduceSum(F32(2, 3), [0, -2]), ["Sum", "twice", "(2, 3)"]),
        ["ReduceSum of bools"] = (() => TF.ReduceSum(Of(DType.Bool, 2)), ["Sum", "bool"]),
        ["Transpose with a perm that repeats an axis"] = (() => TF.Transpose(F32(2, 3), [0, 0]), ["Transpose", "perm [0, 0]", "(2, 3)"]),
        ["Transpose with a perm of the wrong length"] = (() => TF.Transpose(F32(2, 3, 4), [1, 0]), ["Transpose", "(2, 3, 4)"]),
        ["Reshape to a shape of another size"] = (() => TF.Reshape(F32(2, 3), [4]), ["Reshape", "(2, 3)", "(4,)", "6 values"]),
        ["Reshape with two unknown dimensions"] = (() => TF.Reshape(F32(2, 3), [-1, -1]), ["Reshape", "(?, ?)"]),
        ["Reshape to a -1 shape that does not divide"] = (() => TF.Reshape(F32(2, 3), [-1, 4]), ["Reshape", "(2, 3)", "(?, 4)"]),
        ["ArgMax over an axis out of range"] = (() => TF.ArgMax(F32(2, 3), 2), ["ArgMax", "axis 2", "(2, 3)"]),
        ["ArgMax of bools"] = (() => TF.ArgMax(Of(DType.Bool, 2), 0), ["ArgMax", "bool"]),
        ["Softmax of a scalar"] = (() => TF.Softmax(F32()), ["Softmax", "()"]),
        ["Relu of bools"] = (() => TF.Relu(Of(DType.Bool, 2)), ["Relu", "bool"]),
        ["SoftmaxCrossEntropyWithLogits of different shapes"] = (() => TF.SoftmaxCrossEntropyWithLogits(F32(2, 4), F32(2, 3)), ["SoftmaxCrossEntropyWithLogits", "(2, 3)", "(2, 4)"]),
        ["SoftmaxCrossEntropyWithLogits of float32 and float64"] = (() => TF.SoftmaxCrossEntropyWithLogits(Of(DType.Float64, 2, 3), F32(2, 3)), ["SoftmaxCrossEntropyWithLogits", "float32", "float64"]),
        ["SoftmaxCrossEntropyWithLogits of int32"] = (() => TF.SoftmaxCrossEntropyWithLogits(Of(DType.Int32, 2, 3), Of(DType.Int32, 2, 3)), ["SoftmaxCrossEntropyWithLogits", "int32"]),
        ["SoftmaxCrossEntropyWithLogits of vectors"] = (() => TF.SoftmaxCrossEntropyWithLogits(F32(3), F32(3)), ["SoftmaxCrossEntropyWithLogits", "(3,)"]),
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

    // Each: placeholders of unknown shape, the op, a feed that does not fit (with the text the
    // error must carry) and one that does (with its result), run in that order on one session.
    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Build, NDArray[] Bad, string[] Names, NDArray[] Good, double[] Expected)> RunErrors = new()
    {
        ["MatMul of [2,3] by [2,3]"] = ((a, b) => TF.MatMul(a, b),
            [new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }],
            ["MatMul", "Matrix size-incompatible: In[0]: [2,3], In[1]: [2,3]"],
            [new float[,] { { 1, 2, 3 } }, new float[,] { { 1 }, { 1 }, { 1 } }], [6]),
        ["Reshape of 6 values into 4"] = ((a, _) => TF.Reshape(a, [4]),
            [new float[] { 1, 2, 3, 4, 5, 6 }, 0f],
            ["Reshape", "Input to reshape is a tensor with 6 values, but the requested shape has 4"],
            [new float[] { 1, 2, 3, 4 }, 0f], [1, 2, 3, 4]),
        ["Reshape of 6 values into rows of 4"] = ((a, _) => TF.Reshape(a, [-1, 4]),
            [new float[] { 1, 2, 3, 4, 5, 6 }, 0f],
            ["Reshape", "Input to reshape is a tensor with 6 values, but the requested shape requires a multiple of 4"],
            [new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 0f], [1, 2, 3, 4, 5, 6, 7, 8]),
        ["Add of [2,3] and [4]"] = ((a, b) => a + b,
            [new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, new float[] { 1, 2, 3, 4 }],
            ["add", "Incompatible shapes: [2,3] vs. [4]"],
            [new float[,] { { 1, 2, 3 } }, new float[] { 1, 1, 1 }], [2, 3, 4]),
        ["SoftmaxCrossEntropyWithLogits of [1,2] and [1,3]"] = ((a, b) => TF.SoftmaxCrossEntropyWithLogits(a, b),
            [new float[,] { { 1, 0 } }, new float[,] { { 1, 2, 3 } }],
            ["SoftmaxCrossEntropyWithLogits", "logits and labels must be same size: logits_size=[1,3] labels_size=[1,2]"],
            [new float[,] { { 0, 1 } }, new float[,] { { 0, 0 } }], [Math.Log(2)]),
        ["Transpose of a matrix with a perm of rank 3"] = ((a, _) => TF.Transpose(a, [2, 0, 1]),
            [new float[,] { { 1, 2 } }, 0f],
            ["Transpose", "perm [2, 0, 1]", "[1,2]"],
            [NDArray.FromArray(new float[] { 1, 2 }, [1, 1, 2]), 0f], [1, 2]),
        ["ArgMax over an axis the value does not have"] = ((a, _) => TF.ArgMax(a, 1),
            [new float[] { 1, 2 }, 0f],
            ["ArgMax", "Expected dimension in the range [-1, 1), but got 1"],
            [new float[,] { { 1, 2 } }, 0f], [1]),
        ["ReduceSum over an axis the value does not have"] = ((a, _) => TF.ReduceSum(a, [1]),
            [new float[] { 1, 2 }, 0f],
            ["Sum", "axis 1 is out of range", "[2]"],
            [new float[,] { { 1, 2 } }, 0f], [3]),
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
