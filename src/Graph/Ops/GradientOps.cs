using System.Numerics;
using ActorGraph.Autodiff;

namespace ActorGraph.Ops;

// Ops that gradient functions add: the reverse of broadcasting, and the seeds of a backward pass.
internal static class GradientOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // SumToShapeOf(grad, like): grad summed over the axes along which `like` was broadcast.
            Type = "SumToShapeOf",
            Infer = ctx => [new(ctx.Input(0).DType, ctx.Input(1).Shape)],
            Kernel = SumToShapeOf,
            Gradient = g => [GradUtil.BroadcastToShapeOf(g.Grad, g.Input(0)), null],
        },
        new()
        {
            Type = "ZerosLike", Infer = Infer.SameAsInput, Traits = OpTraits.NoGradient,
            Kernel = ctx => Fill(ctx, 0),
        },
        new()
        {
            Type = "OnesLike", Infer = Infer.SameAsInput, Traits = OpTraits.NoGradient,
            Kernel = ctx => Fill(ctx, 1),
        },
    ];

    private static void Fill(KernelContext ctx, int value)
    {
        var x = ctx.Input(0);
        var result = ctx.Allocate(0, x.DType, x.Shape);
        switch (x.DType)
        {
            case DType.Float32: result.Span<float>().Fill(value); break;
            case DType.Float64: result.Span<double>().Fill(value); break;
            case DType.Int32: result.Span<int>().Fill(value); break;
            case DType.Int64: result.Span<long>().Fill(value); break;
            default: result.Span<bool>().Fill(value != 0); break;
        }
    }

    private static void SumToShapeOf(KernelContext ctx)
    {
        NDArray grad = ctx.Input(0), like = ctx.Input(1);
        if (grad.Shape.Equals(like.Shape))
        {
            ctx.SetOutput(0, grad);
            return;
        }
        switch (grad.DType)
        {
            case DType.Float32: SumTo<float>(ctx, grad, like); break;
            case DType.Float64: SumTo<double>(ctx, grad, like); break;
            case DType.Int32: SumTo<int>(ctx, grad, like); break;
            case DType.Int64: SumTo<long>(ctx, grad, like); break;
            default: throw Kernels.ElementwiseLoops.Unsupported(ctx, grad.DType);
        }
    }

    private static void SumTo<T>(KernelContext ctx, NDArray grad, NDArray like) where T : unmanaged, INumber<T>
    {
        var dims = grad.Shape.Dims;
        int rank = dims.Length, offset = rank - like.Shape.Rank;
        var reduced = new bool[rank];
        bool fits = offset >= 0;
        for (int i = 0; fits && i < rank; i++)
        {
            int kept = i < offset ? 1 : like.Shape[i - offset];
            fits = kept == dims[i] || kept == 1;
            reduced[i] = kept != dims[i];
        }
        if (!fits)
            throw new InvalidArgumentException($"SumToShapeOf (op '{ctx.Op.Name}'): a gradient of shape {grad.Shape} cannot come from broadcasting shape {like.Shape}.");
        Kernels.Reduce.Sum<T>(grad.Span<T>(), dims, reduced, ctx.Allocate(0, grad.DType, like.Shape).Span<T>());
    }
}
