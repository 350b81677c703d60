namespace ActorGraph.Ops;

// Endpoints the runtime adds where a partition meets the rest of a step (names start with '_').
// Neither has a kernel: a _Recv's value is fed by the worker, a _Send's input is fetched by it.
internal static class RuntimeOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // A value that arrives from outside the partition: another worker's _Send, or a client feed.
            Type = "_Recv",
            Infer = ctx => [new(ctx.Attr<DType>("dtype"), ctx.Attr<Shape>("shape"))],
            Traits = OpTraits.NoGradient,
        },
        new()
        {
            // A value (or, with no input, a control signal) that leaves the partition.
            Type = "_Send",
            Infer = Infer.NoOutputs,
            Traits = OpTraits.Stateful | OpTraits.NoGradient,
        },
    ];
}
