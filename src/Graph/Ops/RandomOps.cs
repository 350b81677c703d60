namespace ActorGraph.Ops;

// Random sources for initializers. With a seed, a fresh session draws the same values again.
internal static class RandomOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "RandomUniform", Infer = Spec, Traits = OpTraits.Stateful | OpTraits.NoGradient,
            Kernel = ctx => Generate(ctx, rng => rng.NextDouble()),
        },
        new()
        {
            Type = "RandomStandardNormal", Infer = Spec, Traits = OpTraits.Stateful | OpTraits.NoGradient,
            Kernel = ctx => Generate(ctx, Normal),
        },
    ];

    private static TensorSpec[] Spec(InferContext ctx) => [new(ctx.Attr<DType>("dtype"), ctx.Attr<Shape>("shape"))];

    private static void Generate(KernelContext ctx, Func<Random, double> draw)
    {
        var rng = ctx.State as Random;
        if (rng is null)
            ctx.State = rng = ctx.Op.Attrs.TryGetValue("seed", out var seed) ? new Random((int)seed) : new Random();
        double offset = ctx.Op.Attr<double>("offset"), scale = ctx.Op.Attr<double>("scale");
        // A fresh array every run: initial values are handed to variables, never reused.
        var result = NDArray.Zeros(ctx.Op.Attr<DType>("dtype"), ctx.Op.Attr<Shape>("shape"));
        for (int i = 0; i < result.Length; i++) Kernels.Fill.Set(result, i, offset + scale * draw(rng));
        ctx.SetOutput(0, result);
    }

    // Box–Muller.
    private static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
