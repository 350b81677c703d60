using ActorGraph.Execution;

namespace ActorGraph.Ops;

// Cond and WhileLoop as functional ops, TensorFlow 2's cond_v2/while_v2 design rather than TensorFlow 1's
// Switch/Merge/Enter/Exit with dead tensors and frames: an If or While op runs its branches or body as
// sub-plans compiled from the ops the functions created (Graph.FunctionBody). The static executor and
// the partitioner stay as they are (one op, one worker, its body shipped beside it), an untaken branch
// simply never runs, and a loop's iterations are sub-plan runs in order, so a Print in the body prints
// once per iteration and each iteration's variable reads see the writes of the one before.
//
// Each function f ("then", "else", "cond", "body") is described by attributes: f_inputs (its
// placeholders, newline-separated tensor names), f_captures (for each placeholder past the loop
// variables, the index of the op input that feeds it), f_outputs (its results) and f_ops (every op it
// owns, for shipping to a worker).
internal static class ControlFlowOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "If",
            Infer = ctx => Outputs(ctx, "then").Zip(Outputs(ctx, "else"),
                (a, b) => new TensorSpec(a.DType, a.Shape.Equals(b.Shape) ? a.Shape : Shape.Unknown)).ToArray(),
            Kernel = RunIf,
            Gradient = Autodiff.ControlFlowGradients.OfIf,
            Traits = OpTraits.Stateful,
        },
        new()
        {
            Type = "While",
            Infer = ctx => Tensors(ctx.Inputs[0].Graph, ctx.Attr<string>("body_inputs"))
                .Take(ctx.Attr<int>("loop_vars")).Select(t => new TensorSpec(t.DType, t.Shape)).ToArray(),
            Kernel = RunWhile,
            Gradient = Autodiff.ControlFlowGradients.OfWhile,
            Traits = OpTraits.Stateful,
        },
    ];

    private static readonly string[] IfFunctions = ["then", "else"];
    private static readonly string[] WhileFunctions = ["cond", "body"];

    // The functions an If or While op runs; empty for any other op.
    public static string[] FunctionsOf(Operation op) => op.Type switch
    {
        "If" => IfFunctions,
        "While" => WhileFunctions,
        _ => [],
    };

    // Every op the functions of op own, nested functions' ops included, in creation order.
    public static List<Operation> BodyOps(Operation op)
    {
        if (FunctionsOf(op).Length == 0) return [];
        var result = new List<Operation>();
        foreach (var f in FunctionsOf(op))
            foreach (var name in Names(op.Attr<string>(f + "_ops")))
            {
                var inner = op.Graph.GetOperation(name);
                result.AddRange(BodyOps(inner));
                result.Add(inner);
            }
        return result.DistinctBy(o => o.Name).OrderBy(o => o.Id).ToList();
    }

    internal static string Join(IEnumerable<Tensor> tensors) => string.Join('\n', tensors.Select(t => t.Name));

    internal static string Join(IEnumerable<Operation> ops) => string.Join('\n', ops.Select(o => o.Name));

    internal static string[] Names(string joined) => joined.Length == 0 ? [] : joined.Split('\n');

    internal static Tensor[] Tensors(Graph graph, string joined) => Array.ConvertAll(Names(joined), graph.GetTensor);

    private static IEnumerable<TensorSpec> Outputs(InferContext ctx, string f) =>
        Tensors(ctx.Inputs[0].Graph, ctx.Attr<string>(f + "_outputs")).Select(t => new TensorSpec(t.DType, t.Shape));

    private static void RunIf(KernelContext ctx)
    {
        var functions = ctx.State as Function[] ?? (Function[])(ctx.State = new[] { new Function(ctx.Op, "then"), new Function(ctx.Op, "else") });
        bool taken = ctx.Input(0).ToScalar<bool>();
        var results = functions[taken ? 0 : 1].Run(ctx.Inputs, [], ctx.Step);
        for (int i = 0; i < results.Length; i++) ctx.SetOutput(i, results[i]);
    }

    private static void RunWhile(KernelContext ctx)
    {
        var functions = ctx.State as Function[] ?? (Function[])(ctx.State = new[] { new Function(ctx.Op, "cond"), new Function(ctx.Op, "body") });
        int n = ctx.Op.Attr<int>("loop_vars"), maximum = ctx.Op.Attr<int>("maximum_iterations");
        var vars = ctx.Inputs[..n];
        for (int i = 0; maximum < 0 || i < maximum; i++)
        {
            if (!functions[0].Run(ctx.Inputs, vars, ctx.Step)[0].ToScalar<bool>()) break;
            vars = functions[1].Run(ctx.Inputs, vars, ctx.Step);
        }
        for (int i = 0; i < n; i++) ctx.SetOutput(i, vars[i]);
    }

    // One function compiled as a plan: its placeholders fed, its outputs fetched.
    private sealed class Function
    {
        private readonly CompiledPlan _plan;
        private readonly Tensor[] _inputs;
        private readonly int[] _captures;
        // A worker keeps an update's operands (kernel buffers) until its shard applies them at the end of the
        // step: a function that writes variables runs each time on buffers of its own.
        private readonly bool _writes;

        public Function(Operation op, string f)
        {
            _inputs = Tensors(op.Graph, op.Attr<string>(f + "_inputs"));
            _captures = op.Attr<int[]>(f + "_captures");
            var outputs = Tensors(op.Graph, op.Attr<string>(f + "_outputs"));
            var fed = new HashSet<Tensor>(_inputs, ReferenceEqualityComparer<Tensor>.Instance);
            var roots = outputs.Where(t => !fed.Contains(t)).Select(t => t.Op).Distinct().ToArray();
            _plan = new CompiledPlan(outputs, roots, fed);
            _writes = _plan.Operations.Any(o => o.Def.Traits.HasFlag(OpTraits.WritesVariable));
            _fed = new KeyValuePair<Tensor, NDArray>[_inputs.Length];
        }

        // Reused by every run: a function belongs to one kernel context, which runs one step at a time,
        // and a plan reads its feeds before it returns.
        private readonly KeyValuePair<Tensor, NDArray>[] _fed;

        // The leading placeholders take `leading` (loop variables), the rest the op's inputs they capture.
        public NDArray[] Run(NDArray[] opInputs, NDArray[] leading, StepContext step)
        {
            var fed = _fed;
            for (int i = 0; i < leading.Length; i++) fed[i] = new(_inputs[i], leading[i]);
            for (int i = 0; i < _captures.Length; i++) fed[leading.Length + i] = new(_inputs[leading.Length + i], opInputs[_captures[i]]);
            return (_writes ? _plan.Run(_plan.Rent(), fed, step) : _plan.Run(fed, step))!;
        }
    }
}
