using System.Numerics;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// TensorFlow 1.15's dropout: each element dropped with probability `rate`, the kept ones scaled by
// 1 / (1 - rate) so that the expected value is unchanged. A second output holds the scale each element
// got (0 or 1 / (1 - rate)), which is also the gradient's factor: the backward pass reuses this step's mask.
internal static class Dropout
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // (x, rate: a scalar of x's dtype) → (output, scale); attr "seed" (optional) makes the masks repeat in a fresh session.
            Type = "Dropout", Infer = InferDropout, Kernel = Kernel, Traits = OpTraits.Stateful,
            Gradient = g =>
            {
                if (g.OutputGrads[1] is not null)
                    throw new ArgumentException($"{g.Op.Type} (op '{g.Op.Name}'): no gradient flows through its scale output (output 1); differentiate through output 0.");
                return [g.Grad * g.Output(1), null];
            },
        },
    ];

    private static TensorSpec[] InferDropout(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        var dtype = ctx.SameDType();
        if (!dtype.IsFloating()) throw ctx.Error($"x and rate must be float32 or float64, got {ctx.Describe()}");
        if (ctx.Input(1).Shape.Rank > 0) throw ctx.Error($"rate must be a scalar, got shape {ctx.Input(1).Shape}; inputs: {ctx.Describe()}");
        var x = ctx.Input(0).Shape;
        return [new(dtype, x), new(dtype, x)];
    }

    private static void Kernel(KernelContext ctx)
    {
        NDArray x = ctx.Input(0), rateValue = ctx.Input(1);
        if (rateValue.Length != 1)
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): rate must be a scalar, got shape {rateValue.Shape.ToBracketString()}");
        double rate = rateValue.ToScalar<double>();
        if (!(rate >= 0 && rate < 1))
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): rate must be in [0, 1) (the fraction of elements dropped), got {rate}");
        var rng = ctx.State as Random;
        if (rng is null)
            ctx.State = rng = ctx.Op.Attrs.TryGetValue("seed", out var seed) ? new Random((int)seed) : new Random();
        var output = ctx.Allocate(0, x.DType, x.Shape);
        var scale = ctx.Allocate(1, x.DType, x.Shape);
        switch (x.DType)
        {
            case DType.Float32: Apply<float>(x, rate, rng, output, scale); break;
            case DType.Float64: Apply<double>(x, rate, rng, output, scale); break;
            default: throw ElementwiseLoops.Unsupported(ctx, x.DType);
        }
    }

    // TensorFlow's floor(keep + U) with U uniform in [0, 1): an element is kept when U >= rate.
    private static void Apply<T>(NDArray x, double rate, Random rng, NDArray output, NDArray scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keep = T.CreateChecked(1 - rate), kept = T.One / keep;
        ReadOnlySpan<T> values = x.Span<T>();
        Span<T> result = output.Span<T>(), factors = scale.Span<T>();
        for (int i = 0; i < values.Length; i++)
        {
            bool isKept = rng.NextDouble() >= rate;
            factors[i] = isKept ? kept : T.Zero;
            result[i] = isKept ? values[i] / keep : T.Zero;
        }
    }
}
