using ActorGraph.Autodiff;

namespace ActorGraph.Ops;

// Adding and removing axes of size 1: the values stay as they are, only the shape changes.
internal static class UnitAxes
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // attr "axis": where the new axis goes, in [-rank - 1, rank].
            Type = "ExpandDims", Infer = InferExpandDims, Kernel = ExpandDims,
            Gradient = g => [GradUtil.ReshapeLike(g.Grad, g.Input(0))],
        },
        new()
        {
            // attr "axis" (absent: every axis of size 1): the axes to remove, each of size 1.
            Type = "Squeeze", Infer = InferSqueeze, Kernel = Squeeze,
            Gradient = g => [GradUtil.ReshapeLike(g.Grad, g.Input(0))],
        },
    ];

    private static TensorSpec[] InferExpandDims(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        if (x.Shape.IsUnknownRank) return [new(x.DType, Shape.Unknown)];
        int axis = AxisRules.Normalize(ctx, ctx.Attr<int>("axis"), x.Shape.Rank + 1);
        return [new(x.DType, Shape.Own(AxisRules.With(x.Shape.Dims, axis, 1)))];
    }

    private static void ExpandDims(KernelContext ctx)
    {
        var x = ctx.Input(0);
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), x.Shape.Rank + 1, x.Shape);
        CopyAs(ctx, x, AxisRules.With(x.Shape.Dims, axis, 1));
    }

    private static TensorSpec[] InferSqueeze(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        var axis = ctx.Attr<int[]?>("axis", null);
        if (x.Shape.IsUnknownRank) return [new(x.DType, Shape.Unknown)];
        var dims = x.Shape.Dims;
        // Which unknown dims are 1 is known only at run time.
        if (axis is null) return [new(x.DType, dims.Contains(-1) ? Shape.Unknown : Shape.Own(dims.Where(d => d != 1).ToArray()))];
        var removed = Reductions.Axes(axis, dims.Length, p => ctx.Error($"{p}; inputs: {ctx.Describe()}"));
        for (int i = 0; i < dims.Length; i++)
            if (removed[i] && dims[i] >= 0 && dims[i] != 1)
                throw ctx.Error($"Can not squeeze dim[{i}], expected a dimension of 1, got {dims[i]}; inputs: {ctx.Describe()}");
        return [new(x.DType, Shape.Own(dims.Where((_, i) => !removed[i]).ToArray()))];
    }

    private static void Squeeze(KernelContext ctx)
    {
        var x = ctx.Input(0);
        var axis = ctx.Op.Attr<int[]?>("axis", null);
        var dims = x.Shape.Dims;
        var removed = axis is null
            ? dims.Select(d => d == 1).ToArray()
            : Reductions.Axes(axis, dims.Length, p => AxisRules.RunError(ctx, $"{p}; input shape {x.Shape.ToBracketString()}"));
        for (int i = 0; i < dims.Length; i++)
            if (removed[i] && dims[i] != 1)
                throw AxisRules.RunError(ctx, $"Can not squeeze dim[{i}], expected a dimension of 1, got {dims[i]}");
        CopyAs(ctx, x, dims.Where((_, i) => !removed[i]).ToArray());
    }

    // A copy rather than a view: the input's buffer is reused by its producer next step.
    private static void CopyAs(KernelContext ctx, NDArray x, int[] dims) => x.Bytes.CopyTo(ctx.Allocate(0, x.DType, Shape.Own(dims)).Bytes);
}
