using ActorGraph.Autodiff;
using static ActorGraph.GraphTests.Ops.Reference;

namespace ActorGraph.GraphTests.Ops;

// The op table: every registered op that computes something has rows here (OpCoverageTests
// fails for one that has none). Each row is checked by OpTableTests.
public static class OpCases
{
    private static readonly Shape Matrix = [2, 3];
    private static readonly Func<Random, int, Shape, double[]> Positive = OpCase.Uniform(0.5, 2);

    // The NumPy broadcasting pairs every binary op is checked on, both ways round.
    private static readonly (Shape X, Shape Y)[] Broadcasts =
    [
        ([2, 3], [2, 3]), ([2, 3], [3]), ([3], [2, 3]), ([2, 1], [1, 3]), ([], [2, 3]), ([2, 3], []), ([4, 1, 3], [2, 1]), ([2, 1], [4, 1, 3]),
    ];

    // Declared after the fields Build reads: static fields initialize in text order.
    public static readonly IReadOnlyList<OpCase> All = Build();

    public static OpCase Get(string name) => All.Single(c => c.Name == name);

    private static List<OpCase> Build()
    {
        var cases = new List<OpCase>
        {
            Unary("Neg", x => -x, v => -v, ints: true),
            Unary("Square", x => TF.Square(x), v => v * v, ints: true),
            Unary("Sqrt", x => TF.Sqrt(x), Math.Sqrt) with { Values = Positive },
            Unary("Exp", x => TF.Exp(x), Math.Exp),
            Unary("Log", x => TF.Log(x), Math.Log) with { Values = Positive },
            Unary("Abs", x => TF.Abs(x), Math.Abs, ints: true),
            Unary("Sign", x => TF.Sign(x), v => Math.Sign(v), ints: true),
            Unary("Relu", x => TF.Relu(x), v => Math.Max(v, 0), ints: true),
            Unary("Sigmoid", x => TF.Sigmoid(x), v => 1 / (1 + Math.Exp(-v))),
            Unary("Tanh", x => TF.Tanh(x), Math.Tanh),
            Unary("Identity", x => TF.Identity(x), v => v, ints: true),
            Unary("ZerosLike", x => TF.ZerosLike(x), _ => 0, ints: true),
            Unary("OnesLike", x => TF.OnesLike(x), _ => 1, ints: true),
            Unary("Print", x => TF.Print(x, [x], "value: "), v => v, ints: true),
            Unary("Exp", x => TF.Exp(x), Math.Exp, shape: []),
        };
        foreach (var (x, y) in Broadcasts)
        {
            cases.Add(Binary("Add", (a, b) => a + b, (a, b) => a + b, x, y, ints: true));
            cases.Add(Binary("Sub", (a, b) => a - b, (a, b) => a - b, x, y, ints: true));
            cases.Add(Binary("Mul", (a, b) => a * b, (a, b) => a * b, x, y, ints: true));
            cases.Add(Binary("RealDiv", (a, b) => a / b, (a, b) => a / b, x, y) with { Values = Positive });
            cases.Add(Binary("Pow", (a, b) => TF.Pow(a, b), Math.Pow, x, y) with { Values = (rng, i, s) => OpCase.Uniform(i == 0 ? 0.5 : -2, 2)(rng, i, s) });
            cases.Add(Binary("Maximum", (a, b) => TF.Maximum(a, b), Math.Max, x, y, ints: true));
            cases.Add(Binary("Minimum", (a, b) => TF.Minimum(a, b), Math.Min, x, y, ints: true));
            cases.Add(Binary("ReluGrad", (g, o) => TF.Op("ReluGrad", [g, o]), (g, o) => o > 0 ? g : 0, x, y, ints: true));
            cases.Add(Comparison("Equal", (a, b) => TF.Equal(a, b), (a, b) => a == b, x, y));
            cases.Add(Comparison("NotEqual", (a, b) => TF.NotEqual(a, b), (a, b) => a != b, x, y));
            cases.Add(Comparison("Less", (a, b) => TF.Less(a, b), (a, b) => a < b, x, y));
            cases.Add(Comparison("LessEqual", (a, b) => TF.LessEqual(a, b), (a, b) => a <= b, x, y));
            cases.Add(Comparison("Greater", (a, b) => TF.Greater(a, b), (a, b) => a > b, x, y));
            cases.Add(Comparison("GreaterEqual", (a, b) => TF.GreaterEqual(a, b), (a, b) => a >= b, x, y));
        }
        foreach (var (shape, axis, keepDims) in new (Shape, int[]?, bool)[]
        {
            ([2, 3], null, false), ([2, 3], null, true), ([2, 3], [0], false), ([2, 3], [-1], true), ([2, 3], [], false),
            ([2, 3, 4], [0, 2], false), ([2, 3, 4], [1], true), ([2, 3, 4], [-3, -2], false), ([], null, false),
        })
        {
            string axes = axis is null ? "all" : $"[{string.Join(",", axis)}]";
            cases.Add(new($"ReduceSum {shape} axis {axes}{(keepDims ? " keepDims" : "")}", "Sum", [shape],
                t => TF.ReduceSum(t[0], axis, keepDims), v => Reduce(v[0], axis, keepDims, mean: false)) { Ints = true });
            cases.Add(new($"ReduceMean {shape} axis {axes}{(keepDims ? " keepDims" : "")}", "Mean", [shape],
                t => TF.ReduceMean(t[0], axis, keepDims), v => Reduce(v[0], axis, keepDims, mean: true)));
        }
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            Shape a = ta ? [3, 2] : [2, 3], b = tb ? [4, 3] : [3, 4];
            cases.Add(new($"MatMul {a}x{b} transposeA {ta} transposeB {tb}", "MatMul", [a, b],
                t => TF.MatMul(t[0], t[1], ta, tb), v => MatMul(v[0], v[1], ta, tb)) { Ints = true });
        }
        foreach (var (shape, perm) in new (Shape, int[]?)[] { ([2, 3], null), ([2, 3, 4], null), ([2, 3, 4], [1, 2, 0]), ([2, 3, 4], [0, 2, 1]), ([1, 3], [1, 0]) })
        {
            string name = perm is null ? "reversed" : $"[{string.Join(",", perm)}]";
            cases.Add(new($"Transpose {shape} perm {name}", "Transpose", [shape], t => TF.Transpose(t[0], perm), v => Transpose(v[0], perm)) { Ints = true });
        }
        foreach (var (from, to) in new (Shape, Shape)[] { ([2, 3], [3, 2]), ([2, 3], [-1]), ([2, 3, 4], [4, -1]), ([], [1, 1]), ([6], [2, -1, 1]) })
            cases.Add(new($"Reshape {from} to {to}", "Reshape", [from], t => TF.Reshape(t[0], to), v => new(v[0].Data, Resolve(to, v[0].Size))) { Ints = true });
        foreach (var (from, to) in new (DType, DType)[]
        {
            (DType.Float64, DType.Float32), (DType.Float32, DType.Float64), (DType.Float64, DType.Int32), (DType.Int32, DType.Float64),
            (DType.Float32, DType.Bool), (DType.Bool, DType.Float32), (DType.Int64, DType.Int32), (DType.Int32, DType.Int64),
        })
        {
            Func<double, double> convert = to switch
            {
                DType.Bool => v => v != 0 ? 1 : 0,
                DType.Int32 or DType.Int64 => Math.Truncate,
                _ => v => v,
            };
            cases.Add(new($"Cast {from.PythonName()} to {to.PythonName()}", "Cast", [Matrix], t => TF.Cast(t[0], to), v => Map(v[0], convert))
            {
                InputDTypes = [from],
                Values = from == DType.Bool ? OpCase.Integers(0, 1) : from.IsInteger() ? OpCase.Integers(-3, 3) : OpCase.Uniform(-3, 3),
                GradStep = to == DType.Float32 || from == DType.Float32 ? 1.0 / 64 : 1e-6,
                GradTolerance = to == DType.Float32 || from == DType.Float32 ? 1e-4 : 1e-5,
            });
        }
        foreach (var shape in new Shape[] { [2, 3], [4], [2, 2, 3] })
        {
            cases.Add(new($"Softmax {shape}", "Softmax", [shape], t => TF.Softmax(t[0]), v => Rows(v[0], Softmax)));
            cases.Add(new($"LogSoftmax {shape}", "LogSoftmax", [shape], t => TF.LogSoftmax(t[0]), v => Rows(v[0], LogSoftmax)));
        }
        foreach (var shape in new Shape[] { [2, 3], [4, 5] })
            cases.Add(new($"SoftmaxCrossEntropyWithLogits {shape}", "SoftmaxCrossEntropyWithLogits", [shape, shape],
                t => TF.SoftmaxCrossEntropyWithLogits(labels: t[1], logits: t[0]), v => CrossEntropy(v[0], v[1]))
            {
                // Labels are distributions: the op's gradient (softmax − labels) assumes rows that sum to 1.
                Values = (rng, i, s) => i == 0 ? OpCase.Uniform(-2, 2)(rng, i, s) : Distributions(rng, s),
            });
        foreach (var (shape, axis) in new (Shape, int)[] { ([2, 3], 1), ([2, 3], 0), ([2, 3, 4], -1), ([2, 3, 4], 1), ([5], 0) })
        {
            cases.Add(new($"ArgMax {shape} axis {axis}", "ArgMax", [shape], t => TF.ArgMax(t[0], axis), v => ArgMax(v[0], axis)) { Ints = true });
        }
        // The ops gradients are made of, each with a second input that only lends its shape.
        foreach (var (x, like) in new (Shape, Shape)[] { ([2, 3], [3]), ([4, 2, 3], [2, 1]), ([2, 3], [2, 3]), ([2, 3], []) })
            cases.Add(new($"SumToShapeOf {x} to {like}", "SumToShapeOf", [x, like],
                t => ForceSumToShapeOf(t[0], t[1]),
                v => SumTo(v[0], v[1].Dims)) { Ints = true });
        foreach (var (x, like, expand) in new (Shape, Shape, int[]?)[] { ([3], [2, 3], null), ([2, 1], [4, 2, 3], null), ([], [2, 3], null), ([2], [2, 3], [1]), ([3], [2, 3], [-2]), ([2], [2, 3, 4], [1, 2]) })
        {
            string name = expand is null ? "" : $" expanding [{string.Join(",", expand)}]";
            cases.Add(new($"BroadcastToShapeOf {x} to {like}{name}", "BroadcastToShapeOf", [x, like],
                t => GradUtil.BroadcastToShapeOf(t[0], t[1], expand), v => BroadcastTo(Expand(v[0], v[1].Dims.Length, expand), v[1].Dims)) { Ints = true });
        }
        cases.Add(new("ReducedCount (2, 3) to (3,)", "ReducedCount", [Matrix, [3]], t => GradUtil.ReducedCount(t[0], t[1]), _ => new Value(2)) { Ints = true });
        cases.AddRange(ConvCases.All());
        cases.Add(new("ReshapeLike (2, 3) like (3, 2)", "ReshapeLike", [Matrix, [3, 2]], t => GradUtil.ReshapeLike(t[0], t[1]), v => new(v[0].Data, v[1].Dims)) { Ints = true });
        cases.AddRange(ArrayOpCases.Build());
        cases.AddRange(SparseOpCases.Build());
        return cases;
    }

    private static OpCase Unary(string type, Func<Tensor, Tensor> build, Func<double, double> f, bool ints = false, Shape? shape = null) =>
        new($"{type} {shape ?? Matrix}", type, [shape ?? Matrix], t => build(t[0]), v => Map(v[0], f)) { Ints = ints };

    private static OpCase Binary(string type, Func<Tensor, Tensor, Tensor> build, Func<double, double, double> f, Shape x, Shape y, bool ints = false) =>
        new($"{type} {x} and {y}", type, [x, y], t => build(t[0], t[1]), v => Zip(v[0], v[1], f)) { Ints = ints };

    private static OpCase Comparison(string type, Func<Tensor, Tensor, Tensor> build, Func<double, double, bool> f, Shape x, Shape y) =>
        new($"{type} {x} and {y}", type, [x, y], t => build(t[0], t[1]), v => Compare(v[0], v[1], f)) { Ints = true, Values = OpCase.Integers(-2, 2) };

    // SumToShapeOf adds no node for equal static shapes; the table still wants the kernel run.
    private static Tensor ForceSumToShapeOf(Tensor x, Tensor like) => x.Graph.AddOperation("SumToShapeOf", [x, like]).Outputs[0];

    private static int[] Resolve(Shape target, int size)
    {
        var dims = target.ToArray();
        int known = dims.Where(d => d >= 0).Aggregate(1, (p, d) => p * d);
        return dims.Select(d => d < 0 ? size / known : d).ToArray();
    }

    private static Value Expand(Value x, int rank, int[]? axes)
    {
        if (axes is null) return x;
        var inserted = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
        var dims = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) dims[i] = inserted.Contains(i) ? 1 : x.Dims[j++];
        return x with { Dims = dims };
    }

    private static double[] Distributions(Random rng, Shape shape)
    {
        var values = OpCase.Draw(rng, shape, () => 0.1 + rng.NextDouble());
        int cols = shape[shape.Rank - 1];
        foreach (var row in Enumerable.Range(0, values.Length / cols))
        {
            double sum = values.AsSpan(row * cols, cols).ToArray().Sum();
            for (int j = 0; j < cols; j++) values[row * cols + j] /= sum;
        }
        return values;
    }
}
