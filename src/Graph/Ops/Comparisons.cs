using System.Numerics;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Comparisons (bool results, broadcasting) and ArgMax (int64 indices): no gradient by nature.
internal static class Comparisons
{
    public static IEnumerable<OpDef> Defs =>
    [
        Compare<EqualOperator>("Equal", Infer.Comparison),
        Compare<NotEqualOperator>("NotEqual", Infer.Comparison),
        Compare<LessOperator>("Less", Ordered),
        Compare<LessEqualOperator>("LessEqual", Ordered),
        Compare<GreaterOperator>("Greater", Ordered),
        Compare<GreaterEqualOperator>("GreaterEqual", Ordered),
        new()
        {
            // attr "axis": the axis to search, negative counting from the end.
            Type = "ArgMax", Infer = InferArgMax, Kernel = ArgMax, Traits = OpTraits.NoGradient,
        },
    ];

    private static OpDef Compare<TOp>(string type, Func<InferContext, TensorSpec[]> infer) where TOp : IComparisonOperator => new()
    {
        Type = type, Infer = infer, Kernel = ElementwiseLoops.Comparison<TOp>, Traits = OpTraits.NoGradient,
    };

    private static TensorSpec[] Ordered(InferContext ctx)
    {
        var specs = Infer.Comparison(ctx);
        if (!ctx.Input(0).DType.IsNumeric()) throw ctx.Error($"inputs must be numeric to be ordered, got {ctx.Describe()}");
        return specs;
    }

    private static TensorSpec[] InferArgMax(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        ctx.ExpectDType(0, d => d.IsNumeric(), "numeric");
        var x = ctx.Input(0);
        int axis = ctx.Attr<int>("axis");
        if (x.Shape.IsUnknownRank) return [new(DType.Int64, Shape.Unknown)];
        int rank = x.Shape.Rank;
        if (axis < -rank || axis >= rank)
            throw ctx.Error($"axis {axis} is out of range for an input of rank {rank} (axes go from {-rank} to {rank - 1}); inputs: {ctx.Describe()}");
        if (axis < 0) axis += rank;
        return [new(DType.Int64, Shape.Own(x.Shape.Dims.Where((_, i) => i != axis).ToArray()))];
    }

    private static void ArgMax(KernelContext ctx)
    {
        var x = ctx.Input(0);
        int rank = x.Shape.Rank, axis = ctx.Op.Attr<int>("axis");
        string where = $"{ctx.Op.Type} (op '{ctx.Op.Name}'): ";
        if (axis < -rank || axis >= rank)
            throw new InvalidArgumentException($"{where}Expected dimension in the range [{-rank}, {rank}), but got {axis}");
        if (axis < 0) axis += rank;
        var dims = x.Shape.Dims;
        int size = dims[axis], outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < rank; i++) inner *= dims[i];
        if (size == 0 && outer * inner > 0)
            throw new InvalidArgumentException($"{where}Reduction axis {axis} is empty in shape {x.Shape.ToBracketString()}");
        var result = ctx.Allocate(0, DType.Int64, dims.Where((_, i) => i != axis).ToArray()).Span<long>();
        switch (x.DType)
        {
            case DType.Float32: Reduce.ArgMax<float>(x.Span<float>(), outer, size, inner, result); break;
            case DType.Float64: Reduce.ArgMax<double>(x.Span<double>(), outer, size, inner, result); break;
            case DType.Int32: Reduce.ArgMax<int>(x.Span<int>(), outer, size, inner, result); break;
            case DType.Int64: Reduce.ArgMax<long>(x.Span<long>(), outer, size, inner, result); break;
            default: throw ElementwiseLoops.Unsupported(ctx, x.DType);
        }
    }
}
