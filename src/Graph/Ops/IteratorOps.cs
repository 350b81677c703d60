namespace ActorGraph.Ops;

// Dataset iterators as ops, as in TensorFlow 1: the iterator op names it, MakeIterator (re)starts it,
// IteratorGetNext takes its next element. The state lives in the step's IteratorStore, per session.
internal static class IteratorOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new() { Type = "OneShotIterator", Infer = Infer.NoOutputs, Traits = OpTraits.Stateful | OpTraits.NoGradient },
        new() { Type = "Iterator", Infer = Infer.NoOutputs, Traits = OpTraits.Stateful | OpTraits.NoGradient },
        new()
        {
            Type = "MakeIterator", Infer = Infer.NoOutputs, Traits = OpTraits.Stateful | OpTraits.NoGradient,
            Kernel = ctx => ctx.Step.Iterators.Initialize(ctx.Op.Attr<string>("iterator"), ctx.Op.Attr<Dataset>("dataset"), ctx.Step.IteratorShard),
        },
        new()
        {
            Type = "IteratorGetNext", Infer = ElementSpec, Traits = OpTraits.Stateful | OpTraits.NoGradient,
            Kernel = GetNext,
        },
    ];

    // Ops that read or move an iterator's position: they must run where it lives.
    public static bool UsesPosition(OpDef def) => def.Type is "MakeIterator" or "IteratorGetNext";

    private static TensorSpec[] ElementSpec(InferContext ctx) => [.. ctx.Attr<Dataset>("dataset").ElementSpec];

    private static void GetNext(KernelContext ctx)
    {
        var op = ctx.Op;
        var element = ctx.Step.Iterators.GetNext(op.Attr<string>("iterator"), op.Attr<Dataset>("dataset"), op.Attr<bool>("one_shot"), ctx.Step.IteratorShard);
        for (int i = 0; i < element.Length; i++) ctx.SetOutput(i, element[i]);
    }
}
