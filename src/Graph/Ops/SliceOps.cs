using System.Numerics;
using ActorGraph.Autodiff;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Boxes cut out of arrays and put back (Slice, Pad) and repetition (Tile), with the ops their
// gradients are made of, which take the shape to restore from a tensor at run time.
internal static class SliceOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // attrs "begin", "size" (-1: to the end of that axis).
            Type = "Slice", Infer = InferSlice, Kernel = Slice,
            Gradient = g => [GradUtil.PadToShapeOf(g.Grad, g.Input(0), g.Attr<int[]>("begin"))],
        },
        new()
        {
            // attr "paddings": before and after for each axis in turn, [b0, a0, b1, a1, …]; zeros fill them.
            Type = "Pad", Infer = InferPad, Kernel = Pad,
            Gradient = g => [GradUtil.SliceToShapeOf(g.Grad, g.Input(0), Befores(g.Attr<int[]>("paddings")))],
        },
        new()
        {
            // attr "multiples": how many copies along each axis.
            Type = "Tile", Infer = InferTile, Kernel = Tile,
            Gradient = g => [GradUtil.SumTilesToShapeOf(g.Grad, g.Input(0), g.Attr<int[]>("multiples"))],
        },
        new()
        {
            // PadToShapeOf(x, like): zeros of like's run-time shape with x written at attr "begin".
            Type = "PadToShapeOf", Infer = LikeSecondInput, Kernel = PadToShapeOf,
            Gradient = g => [GradUtil.SliceToShapeOf(g.Grad, g.Input(0), g.Attr<int[]>("begin")), null],
        },
        new()
        {
            // SliceToShapeOf(x, like): the box of like's run-time shape at attr "begin" of x.
            Type = "SliceToShapeOf", Infer = LikeSecondInput, Kernel = SliceToShapeOf,
            Gradient = g => [GradUtil.PadToShapeOf(g.Grad, g.Input(0), g.Attr<int[]>("begin")), null],
        },
        new()
        {
            // SumTilesToShapeOf(x, like): x cut into tiles of like's shape (attr "multiples" along each axis), summed.
            Type = "SumTilesToShapeOf", Infer = LikeSecondInput, Kernel = SumTiles,
            Gradient = g => [TF.Tile(g.Grad, g.Attr<int[]>("multiples")), null],
        },
    ];

    public static int[] Befores(int[] paddings) => paddings.Where((_, i) => i % 2 == 0).ToArray();

    private static TensorSpec[] LikeSecondInput(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        return [new(ctx.Input(0).DType, ctx.Input(1).Shape)];
    }

    private static string List(int[] values) => "[" + string.Join(", ", values) + "]";

    private static TensorSpec[] InferSlice(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        int[] begin = ctx.Attr<int[]>("begin"), size = ctx.Attr<int[]>("size");
        string args = $"begin {List(begin)}, size {List(size)}";
        if (begin.Length != size.Length) throw ctx.Error($"begin and size must have one entry per axis, got {args}");
        if (begin.Any(b => b < 0) || size.Any(s => s < -1)) throw ctx.Error($"begin must be >= 0 and size >= -1 (to the end), got {args}; inputs: {ctx.Describe()}");
        var dims = new int[begin.Length];
        if (!x.Shape.IsUnknownRank && x.Shape.Rank != begin.Length)
            throw ctx.Error($"{args} name {begin.Length} axes but the input has rank {x.Shape.Rank}; inputs: {ctx.Describe()}");
        for (int i = 0; i < dims.Length; i++)
        {
            int dim = x.Shape.IsUnknownRank ? -1 : x.Shape[i];
            if (dim >= 0 && (begin[i] > dim || (size[i] >= 0 && begin[i] + size[i] > dim)))
                throw ctx.Error($"{args} reaches past dimension {i} of size {dim}; inputs: {ctx.Describe()}");
            dims[i] = size[i] >= 0 ? size[i] : dim >= 0 ? dim - begin[i] : -1;
        }
        return [new(x.DType, Shape.Own(dims))];
    }

    private static void Slice(KernelContext ctx)
    {
        var x = ctx.Input(0);
        int[] begin = ctx.Op.Attr<int[]>("begin"), size = ctx.Op.Attr<int[]>("size");
        var dims = x.Shape.Dims;
        bool fits = dims.Length == begin.Length;
        var outDims = new int[begin.Length];
        for (int i = 0; fits && i < dims.Length; i++)
        {
            outDims[i] = size[i] >= 0 ? size[i] : dims[i] - begin[i];
            fits = begin[i] <= dims[i] && begin[i] + outDims[i] <= dims[i];
        }
        if (!fits)
            throw AxisRules.RunError(ctx, $"begin {List(begin)} and size {List(size)} do not fit in the input's shape {x.Shape.ToBracketString()}");
        var result = ctx.Allocate(0, x.DType, Shape.Own(outDims));
        Boxes.Copy(x.Bytes, dims, begin, result.Bytes, outDims, new int[dims.Length], outDims, x.DType.SizeInBytes());
    }

    private static TensorSpec[] InferPad(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        var paddings = ctx.Attr<int[]>("paddings");
        if (paddings.Any(p => p < 0)) throw ctx.Error($"paddings must be >= 0, got {List(paddings)}; inputs: {ctx.Describe()}");
        if (x.Shape.IsUnknownRank) return [new(x.DType, Shape.Own(new int[paddings.Length / 2].Select(_ => -1).ToArray()))];
        if (paddings.Length != 2 * x.Shape.Rank)
            throw ctx.Error($"paddings must be a [rank, 2] array, [{x.Shape.Rank}, 2] here, got {paddings.Length / 2} rows; inputs: {ctx.Describe()}");
        return [new(x.DType, Shape.Own(x.Shape.Dims.Select((d, i) => d < 0 ? -1 : d + paddings[2 * i] + paddings[2 * i + 1]).ToArray()))];
    }

    private static void Pad(KernelContext ctx)
    {
        var x = ctx.Input(0);
        var paddings = ctx.Op.Attr<int[]>("paddings");
        var dims = x.Shape.Dims;
        if (paddings.Length != 2 * dims.Length)
            throw AxisRules.RunError(ctx, $"The first dimension of paddings must be the rank of inputs: [{paddings.Length / 2},2] paddings for input shape {x.Shape.ToBracketString()}");
        var outDims = dims.Select((d, i) => d + paddings[2 * i] + paddings[2 * i + 1]).ToArray();
        var result = ctx.Allocate(0, x.DType, Shape.Own(outDims));
        result.Bytes.Clear();
        Boxes.Copy(x.Bytes, dims, new int[dims.Length], result.Bytes, outDims, Befores(paddings), dims, x.DType.SizeInBytes());
    }

    private static void PadToShapeOf(KernelContext ctx)
    {
        NDArray x = ctx.Input(0), like = ctx.Input(1);
        var begin = ctx.Op.Attr<int[]>("begin");
        CheckBox(ctx, x.Shape, like.Shape, begin);
        var result = ctx.Allocate(0, x.DType, like.Shape);
        result.Bytes.Clear();
        Boxes.Copy(x.Bytes, x.Shape.Dims, new int[begin.Length], result.Bytes, like.Shape.Dims, begin, x.Shape.Dims, x.DType.SizeInBytes());
    }

    private static void SliceToShapeOf(KernelContext ctx)
    {
        NDArray x = ctx.Input(0), like = ctx.Input(1);
        var begin = ctx.Op.Attr<int[]>("begin");
        CheckBox(ctx, like.Shape, x.Shape, begin);
        var result = ctx.Allocate(0, x.DType, like.Shape);
        Boxes.Copy(x.Bytes, x.Shape.Dims, begin, result.Bytes, like.Shape.Dims, new int[begin.Length], like.Shape.Dims, x.DType.SizeInBytes());
    }

    // A box of shape `box` at `begin` must lie inside `whole`.
    private static void CheckBox(KernelContext ctx, Shape box, Shape whole, int[] begin)
    {
        bool fits = box.Rank == begin.Length && whole.Rank == begin.Length;
        for (int i = 0; fits && i < begin.Length; i++) fits = begin[i] + box[i] <= whole[i];
        if (!fits)
            throw AxisRules.RunError(ctx, $"a box of shape {box.ToBracketString()} at {List(begin)} does not fit in shape {whole.ToBracketString()}");
    }

    private static TensorSpec[] InferTile(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        var multiples = ctx.Attr<int[]>("multiples");
        if (multiples.Any(m => m < 0)) throw ctx.Error($"multiples must be >= 0, got {List(multiples)}; inputs: {ctx.Describe()}");
        if (x.Shape.IsUnknownRank) return [new(x.DType, Shape.Own(multiples.Select(_ => -1).ToArray()))];
        if (multiples.Length != x.Shape.Rank)
            throw ctx.Error($"multiples {List(multiples)} must have one entry per axis of the input, {x.Shape.Rank} here; inputs: {ctx.Describe()}");
        return [new(x.DType, Shape.Own(x.Shape.Dims.Select((d, i) => d < 0 ? -1 : d * multiples[i]).ToArray()))];
    }

    private static void Tile(KernelContext ctx)
    {
        var x = ctx.Input(0);
        var multiples = ctx.Op.Attr<int[]>("multiples");
        var dims = x.Shape.Dims;
        if (multiples.Length != dims.Length)
            throw AxisRules.RunError(ctx, $"Expected multiples argument to be a vector of length {dims.Length} but got length {multiples.Length}");
        var result = ctx.Allocate(0, x.DType, Shape.Own(dims.Select((d, i) => d * multiples[i]).ToArray()));
        Boxes.Tile(x.Bytes, dims, multiples, result.Bytes, x.DType.SizeInBytes());
    }

    private static void SumTiles(KernelContext ctx)
    {
        NDArray x = ctx.Input(0), like = ctx.Input(1);
        var multiples = ctx.Op.Attr<int[]>("multiples");
        var dims = like.Shape.Dims;
        bool fits = multiples.Length == dims.Length && x.Shape.Rank == dims.Length;
        for (int i = 0; fits && i < dims.Length; i++) fits = x.Shape[i] == dims[i] * multiples[i];
        if (!fits)
            throw AxisRules.RunError(ctx, $"a value of shape {x.Shape.ToBracketString()} is not shape {like.Shape.ToBracketString()} tiled {List(multiples)} times");
        // x seen as [m0, d0, m1, d1, …], summed over the m axes.
        var split = new int[2 * dims.Length];
        var reduced = new bool[split.Length];
        for (int i = 0; i < dims.Length; i++) (split[2 * i], split[2 * i + 1], reduced[2 * i]) = (multiples[i], dims[i], true);
        var result = ctx.Allocate(0, x.DType, like.Shape);
        switch (x.DType)
        {
            case DType.Float32: SumOf<float>(x, split, reduced, result); break;
            case DType.Float64: SumOf<double>(x, split, reduced, result); break;
            case DType.Int32: SumOf<int>(x, split, reduced, result); break;
            case DType.Int64: SumOf<long>(x, split, reduced, result); break;
            default: throw ElementwiseLoops.Unsupported(ctx, x.DType);
        }
    }

    private static void SumOf<T>(NDArray x, int[] dims, bool[] reduced, NDArray result) where T : unmanaged, INumber<T> =>
        Reduce.Sum<T>(x.Span<T>(), dims, reduced, result.Span<T>());
}
