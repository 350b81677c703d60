using ActorGraph.Autodiff;
using static ActorGraph.GraphTests.Ops.ArrayReference;

namespace ActorGraph.GraphTests.Ops;

// Rows of the op table (OpCases) for the array, index and loss ops. Ops with several outputs
// have a row per output checked (the others then get no gradient and count as zeros).
public static class ArrayOpCases
{
    // Integer inputs are drawn as v and stored as round(2v) (OpHarness.Draw): halves give whole indices.
    private static Func<Random, int, Shape, double[]> Whole(int min, int max) =>
        (rng, _, shape) => OpCase.Draw(rng, shape, () => rng.Next(min, max + 1) / 2.0);

    private static Func<Random, int, Shape, double[]> PerInput(params Func<Random, int, Shape, double[]>[] draws) =>
        (rng, i, shape) => draws[i](rng, i, shape);

    private static readonly Func<Random, int, Shape, double[]> Data = OpCase.Uniform(-2, 2);

    private static string S(int[]? values) => values is null ? "all" : "[" + string.Join(",", values) + "]";

    public static IEnumerable<OpCase> Build()
    {
        foreach (var (shapes, axis) in new (Shape[], int)[]
        {
            ([[2, 3], [2, 2]], 1), ([[1, 3], [2, 3], [3, 3]], 0), ([[2, 3], [2, 1]], -1), ([[2, 2, 3], [2, 1, 3]], 1), ([[3], [2]], 0),
        })
            yield return new($"Concat {string.Join(" ", shapes.Select(s => s.ToString()))} axis {axis}", "ConcatV2", shapes,
                t => TF.Concat(t, axis), v => Concat(v, axis)) { Ints = true };
        foreach (var (shape, count, axis) in new (Shape, int, int)[] { ([2, 3], 3, 0), ([2, 3], 2, 1), ([2, 3], 2, -1), ([3], 2, 1), ([], 3, 0) })
            yield return new($"Stack {count} of {shape} axis {axis}", "Pack", Enumerable.Repeat(shape, count).ToArray(),
                t => TF.Stack(t, axis), v => Stack(v, axis)) { Ints = true };
        foreach (var (shape, axis, output) in new (Shape, int, int)[] { ([3, 2], 0, 1), ([2, 3, 4], 1, 2), ([2, 3, 4], -1, 0) })
            // Unstack needs the axis's size statically: the reshape gives it whatever the placeholder's shape.
            yield return new($"Unstack {shape} axis {axis} output {output}", "Unpack", [shape],
                t => TF.Unstack(TF.Reshape(t[0], shape), axis)[output], v => Part(v[0], axis, output, 1, drop: true)) { Ints = true };
        foreach (var (shape, num, axis, output) in new (Shape, int, int, int)[] { ([2, 6], 3, 1, 0), ([2, 6], 3, 1, 2), ([4, 3], 2, 0, 1), ([2, 3, 4], 2, -1, 1) })
        {
            int size = shape[axis] / num;
            yield return new($"Split {shape} into {num} axis {axis} output {output}", "Split", [shape],
                t => TF.Split(t[0], num, axis)[output], v => Part(v[0], axis, output * size, size)) { Ints = true };
        }
        // Every output of one Split used at once, each with a gradient of its own.
        yield return new("Split (2, 6) into 3 axis 1 rejoined in reverse", "ConcatV2", [[2, 6]],
            t => TF.Concat(TF.Split(t[0], 3, 1).Reverse().ToArray(), 1),
            v => Concat([Part(v[0], 1, 4, 2), Part(v[0], 1, 2, 2), Part(v[0], 1, 0, 2)], 1)) { Ints = true };
        for (int output = 0; output < 2; output++)
        {
            int k = output;
            yield return new($"SplitToShapesOf (2, 5) into (2, 2) (2, 3) output {k}", "SplitToShapesOf", [[2, 5], [2, 2], [2, 3]],
                t => GradUtil.SplitToShapesOf(t[0], [t[1], t[2]], 1)[k], v => Part(v[0], 1, k * 2, k == 0 ? 2 : 3)) { Ints = true };
        }
        foreach (var (shape, begin, size) in new (Shape, int[], int[])[]
        {
            ([3, 4], [1, 1], [2, 2]), ([3, 4], [0, 2], [-1, -1]), ([2, 3, 4], [1, 0, 1], [1, -1, 2]), ([5], [4], [1]), ([3, 4], [1, 0], [0, 2]),
        })
            yield return new($"Slice {shape} begin {S(begin)} size {S(size)}", "Slice", [shape],
                t => TF.Slice(t[0], begin, size), v => Slice(v[0], begin, size)) { Ints = true };
        foreach (var (shape, paddings) in new (Shape, int[,])[] { ([2, 3], new[,] { { 1, 0 }, { 2, 1 } }), ([3], new[,] { { 0, 2 } }), ([2, 2, 2], new[,] { { 0, 1 }, { 1, 0 }, { 1, 1 } }) })
            yield return new($"Pad {shape} by {S(paddings.Cast<int>().ToArray())}", "Pad", [shape],
                t => TF.Pad(t[0], paddings), v => Pad(v[0], paddings)) { Ints = true };
        foreach (var (shape, multiples) in new (Shape, int[])[] { ([2, 3], [2, 1]), ([2, 3], [1, 3]), ([2, 1, 2], [2, 3, 1]), ([3], [2]), ([2], [0]) })
            yield return new($"Tile {shape} by {S(multiples)}", "Tile", [shape], t => TF.Tile(t[0], multiples), v => Tile(v[0], multiples)) { Ints = true };
        yield return new("PadToShapeOf (2, 2) into (3, 4) at [1,1]", "PadToShapeOf", [[2, 2], [3, 4]],
            t => GradUtil.PadToShapeOf(t[0], t[1], [1, 1]), v => Place(v[0], v[1].Dims, [1, 1])) { Ints = true };
        yield return new("SliceToShapeOf (3, 4) to (2, 2) at [1,2]", "SliceToShapeOf", [[3, 4], [2, 2]],
            t => GradUtil.SliceToShapeOf(t[0], t[1], [1, 2]), v => Slice(v[0], [1, 2], v[1].Dims)) { Ints = true };
        yield return new("SumTilesToShapeOf (4, 6) to (2, 3)", "SumTilesToShapeOf", [[4, 6], [2, 3]],
            t => GradUtil.SumTilesToShapeOf(t[0], t[1], [2, 2]), v => SumTiles(v[0], v[1].Dims)) { Ints = true };
        foreach (var (parameters, indices, axis, type) in new (Shape, Shape, int, DType)[]
        {
            ([5, 3], [4], 0, DType.Int32), ([3, 5], [2, 2], 1, DType.Int64), ([2, 4, 3], [3], -2, DType.Int32), ([5], [], 0, DType.Int32),
        })
        {
            int size = parameters[axis];
            yield return new($"Gather {parameters} at {indices} {type.PythonName()} axis {axis}", "GatherV2", [parameters, indices],
                t => TF.Gather(t[0], t[1], axis), v => Gather(v[0], v[1], axis))
            { Ints = true, InputDTypes = [null, type], Values = PerInput(Data, Whole(0, size - 1)) };
        }
        yield return new("GatherGrad (4, 3) at (4,) into (5, 3)", "GatherGrad", [[4, 3], [4], [5, 3]],
            t => TF.GatherGrad(t[0], t[1], t[2], 0), v => GatherGrad(v[0], v[1], v[2].Dims, 0))
        { Ints = true, InputDTypes = [null, DType.Int32, null], Values = PerInput(Data, Whole(0, 4), Data) };
        foreach (var (indices, depth, type, dtype) in new (Shape, int, DType, DType)[] { ([5], 4, DType.Int32, DType.Float32), ([2, 3], 3, DType.Int64, DType.Float64), ([4], 2, DType.Int32, DType.Int32) })
            // Indices from -1 to depth: those outside [0, depth) give rows of zeros.
            yield return new($"OneHot {indices} {type.PythonName()} depth {depth} as {dtype.PythonName()}", "OneHot", [indices],
                t => TF.OneHot(t[0], depth, dtype), v => OneHot(v[0], depth)) { InputDTypes = [type], Values = Whole(-1, depth) };
        foreach (var (axis, shape) in new (int, Shape)[] { (0, [2, 3]), (2, [2, 3]), (-1, [2, 3]), (-3, [2, 3]), (0, []) })
            yield return new($"ExpandDims {shape} axis {axis}", "ExpandDims", [shape], t => TF.ExpandDims(t[0], axis),
                v => v[0] with { Dims = [.. v[0].Dims[..(axis < 0 ? axis + v[0].Dims.Length + 1 : axis)], 1, .. v[0].Dims[(axis < 0 ? axis + v[0].Dims.Length + 1 : axis)..]] }) { Ints = true };
        foreach (var (shape, axis, result) in new (Shape, int[]?, int[])[] { ([1, 2, 1, 3], null, [2, 3]), ([1, 2, 1, 3], [2], [1, 2, 3]), ([1, 2, 1, 3], [0, -2], [2, 3]), ([2, 1], [-1], [2]) })
            yield return new($"Squeeze {shape} axis {S(axis)}", "Squeeze", [shape], t => TF.Squeeze(t[0], axis), v => v[0] with { Dims = result }) { Ints = true };
        foreach (var (condition, shape) in new (Shape, Shape)[] { ([2, 3], [2, 3]), ([3], [3, 2]), ([], [2, 3]), ([4], [4]) })
            yield return new($"Where {condition} over {shape}", "Select", [condition, shape, shape], t => TF.Where(t[0], t[1], t[2]), v => Select(v[0], v[1], v[2]))
            { Ints = true, InputDTypes = [DType.Bool, null, null], Values = PerInput(OpCase.Integers(0, 1), Data, Data) };
        foreach (var (shape, value, dtype) in new (Shape, double, DType)[] { ([2, 3], 1.5, DType.Float32), ([4], -2, DType.Int32), ([], 3, DType.Float64), ([2, 0], 1, DType.Float64) })
            yield return new($"Fill {shape} with {value} as {dtype.PythonName()}", "Fill", [], _ => TF.Fill(shape, value, dtype),
                _ => new(Enumerable.Repeat(value, (int)shape.Size).ToArray(), shape.ToArray()));
        foreach (var (start, limit, delta) in new[] { (0, 5, 1), (2, 11, 3), (5, -1, -2), (3, 3, 1) })
            yield return new($"Range {start} to {limit} by {delta}", "Range", [], _ => TF.Range(start, limit, delta),
                _ => { var r = Enumerable.Range(0, (Math.Abs(limit - start) + Math.Abs(delta) - 1) / Math.Abs(delta)).Select(i => (double)(start + i * delta)).ToArray(); return new(r, [r.Length]); });
        foreach (var (shape, axis, keepDims) in new (Shape, int[]?, bool)[]
        {
            ([2, 3], null, false), ([2, 3], null, true), ([2, 3], [0], false), ([2, 3], [-1], true), ([2, 3], [], false),
            ([2, 3, 4], [0, 2], false), ([2, 3, 4], [1], true), ([], null, false),
        })
            yield return new($"ReduceMax {shape} axis {S(axis)}{(keepDims ? " keepDims" : "")}", "Max", [shape],
                t => TF.ReduceMax(t[0], axis, keepDims), v => Max(v[0], axis, keepDims)) { Ints = true };
        foreach (var shape in new Shape[] { [2, 3], [4] })
            yield return new($"L2Loss {shape}", "Mul", [shape], t => TF.L2Loss(t[0]), v => new(v[0].Data.Sum(d => d * d) / 2));
        foreach (var (logits, type) in new (Shape, DType)[] { ([3, 4], DType.Int32), ([2, 5], DType.Int64) })
            yield return new($"SparseSoftmaxCrossEntropyWithLogits {logits} labels {type.PythonName()}", "SparseSoftmaxCrossEntropyWithLogits", [logits, [logits[0]]],
                t => TF.SparseSoftmaxCrossEntropyWithLogits(labels: t[1], logits: t[0]), v => SparseCrossEntropy(v[0], v[1]))
            { InputDTypes = [null, type], Values = PerInput(Data, Whole(0, logits[1] - 1)) };
        foreach (var shape in new Shape[] { [2, 3], [5] })
            yield return new($"SigmoidCrossEntropyWithLogits {shape}", "Add", [shape, shape],
                t => TF.SigmoidCrossEntropyWithLogits(labels: t[1], logits: t[0]), v => SigmoidCrossEntropy(v[0], v[1]))
            { Values = PerInput(OpCase.Uniform(-3, 3), OpCase.Uniform(0, 1)) };
    }
}
