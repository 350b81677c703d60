using ActorGraph.Ops;

namespace ActorGraph;

// TensorFlow 1's tf.cond and tf.while_loop, built as If and While ops over the ops their functions create
// (ControlFlowOps says why).
public static partial class TF
{
    public static Tensor Cond(Tensor pred, Func<Tensor> trueFn, Func<Tensor> falseFn, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(trueFn);
        ArgumentNullException.ThrowIfNull(falseFn);
        return Cond(pred, () => [trueFn()], () => [falseFn()], name)[0];
    }

    public static Tensor[] Cond(Tensor pred, Func<Tensor[]> trueFn, Func<Tensor[]> falseFn, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(pred);
        ArgumentNullException.ThrowIfNull(trueFn);
        ArgumentNullException.ThrowIfNull(falseFn);
        if (pred.DType != DType.Bool || pred.Shape.Rank > 0)
            throw new ArgumentException($"Cond: pred must be a scalar bool tensor, got '{pred.Name}' {pred.DType.PythonName()} {pred.Shape}; make one with a comparison such as TF.Less, or reduce it to a scalar.");
        var graph = pred.Graph;
        using var scope = graph.NameScope(name ?? "cond");
        Tensor[] thenOut = [], elseOut = [];
        var then = graph.Trace(body => thenOut = Close(graph, body, trueFn(), "true_fn"));
        var other = graph.Trace(body => elseOut = Close(graph, body, falseFn(), "false_fn"));
        if (thenOut.Length != elseOut.Length)
            throw new ArgumentException($"Cond: true_fn returned {thenOut.Length} tensor(s) ({Describe(thenOut)}) but false_fn returned {elseOut.Length} ({Describe(elseOut)}); both branches must return the same number of tensors.");
        for (int i = 0; i < thenOut.Length; i++)
            if (thenOut[i].DType != elseOut[i].DType)
                throw new ArgumentException($"Cond: result {i} of true_fn is '{thenOut[i].Name}' {thenOut[i].DType.PythonName()} but false_fn's is '{elseOut[i].Name}' {elseOut[i].DType.PythonName()}; both branches must return the same dtypes (convert one with TF.Cast).");
        var attrs = new Dictionary<string, object>();
        Describe(attrs, "then", then, [], thenOut, firstCaptureInput: 1);
        Describe(attrs, "else", other, [], elseOut, firstCaptureInput: 1 + then.Outer.Count);
        var variables = then.Variables.Union(other.Variables).ToArray();
        attrs["variable_inputs"] = Enumerable.Range(1 + then.Outer.Count + other.Outer.Count, variables.Length).ToArray();
        var op = graph.AddOperation("If", [pred, .. then.Outer, .. other.Outer, .. variables], attrs, graph.CurrentNameScope + "/",
            [.. then.OutsideControls.Union(other.OutsideControls)]);
        return [.. op.Outputs];
    }

    public static Tensor[] WhileLoop(Func<Tensor[], Tensor> cond, Func<Tensor[], Tensor[]> body, Tensor[] loopVars,
        int? maximumIterations = null, Shape[]? shapeInvariants = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(cond);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(loopVars);
        if (loopVars.Length == 0 || Array.Exists(loopVars, v => v is null))
            throw new ArgumentException("WhileLoop: loopVars must hold at least one tensor and no null; pass the loop's starting values.");
        if (shapeInvariants is not null && shapeInvariants.Length != loopVars.Length)
            throw new ArgumentException($"WhileLoop: shapeInvariants has {shapeInvariants.Length} shape(s) but loopVars has {loopVars.Length} tensor(s); give one shape per loop variable.");
        if (maximumIterations < 0)
            throw new ArgumentException($"WhileLoop: maximumIterations must be zero or more, got {maximumIterations}.");
        int n = loopVars.Length;
        var shapes = new Shape[n];
        for (int i = 0; i < n; i++)
        {
            shapes[i] = shapeInvariants?[i] ?? loopVars[i].Shape;
            if (!AtMost(loopVars[i].Shape, shapes[i]))
                throw new ArgumentException($"WhileLoop: the shape invariant specified for {loopVars[i].Name} is not compatible with the initial shape of the loop variable. It enters the loop with shape {loopVars[i].Shape}, but the specified shape invariant is {shapes[i]}.");
        }
        var graph = loopVars[0].Graph;
        using var scope = graph.NameScope(name ?? "while");
        Tensor[] condIn = [], condOut = [], bodyIn = [], bodyOut = [];
        var condBody = graph.Trace(b =>
        {
            condIn = LoopPlaceholders(graph, loopVars, shapes);
            var c = cond(condIn) ?? throw new ArgumentException("WhileLoop: cond returned null; return a scalar bool tensor.");
            if (c.DType != DType.Bool || c.Shape.Rank > 0)
                throw new ArgumentException($"WhileLoop: cond must return a scalar bool tensor, got '{c.Name}' {c.DType.PythonName()} {c.Shape}.");
            condOut = Close(graph, b, [c], "cond");
        });
        var bodyBody = graph.Trace(b =>
        {
            bodyIn = LoopPlaceholders(graph, loopVars, shapes);
            var next = body(bodyIn) ?? throw new ArgumentException("WhileLoop: body returned null; return the loop variables' next values.");
            if (next.Length != n)
                throw new ArgumentException($"WhileLoop: body returned {next.Length} tensor(s) ({Describe(next)}) but there are {n} loop variable(s); return one next value per loop variable.");
            for (int i = 0; i < n; i++)
            {
                if (next[i] is null) throw new ArgumentException($"WhileLoop: body returned null for loop variable {i}.");
                if (next[i].DType != loopVars[i].DType)
                    throw new ArgumentException($"WhileLoop: loop variable {i} ('{loopVars[i].Name}') enters the loop as {loopVars[i].DType.PythonName()} but the body returns '{next[i].Name}' {next[i].DType.PythonName()}; convert it with TF.Cast.");
                if (!AtMost(next[i].Shape, shapes[i]))
                    throw new ArgumentException(shapeInvariants is null
                        ? $"Input tensor '{loopVars[i].Name}' enters the loop with shape {loopVars[i].Shape}, but has shape {next[i].Shape} after one iteration. To allow the shape to vary across iterations, use the shapeInvariants argument of TF.WhileLoop to specify a less-specific shape."
                        : $"Input tensor '{loopVars[i].Name}' enters the loop with shape invariant {shapes[i]}, but has shape {next[i].Shape} after one iteration; give a less-specific shape invariant.");
            }
            bodyOut = Close(graph, b, next, "body");
        });
        var attrs = new Dictionary<string, object>
        {
            ["loop_vars"] = n,
            ["maximum_iterations"] = maximumIterations ?? -1,
        };
        Describe(attrs, "cond", condBody, condIn[..n], condOut, firstCaptureInput: n);
        Describe(attrs, "body", bodyBody, bodyIn[..n], bodyOut, firstCaptureInput: n + condBody.Outer.Count);
        var variables = condBody.Variables.Union(bodyBody.Variables).ToArray();
        attrs["variable_inputs"] = Enumerable.Range(n + condBody.Outer.Count + bodyBody.Outer.Count, variables.Length).ToArray();
        var op = graph.AddOperation("While", [.. loopVars, .. condBody.Outer, .. bodyBody.Outer, .. variables], attrs, graph.CurrentNameScope + "/",
            [.. condBody.OutsideControls.Union(bodyBody.OutsideControls)]);
        return [.. op.Outputs];
    }

    // TensorFlow's _ShapeLessThanOrEqual: `shape` is at least as specific as `invariant`.
    private static bool AtMost(Shape shape, Shape invariant)
    {
        if (invariant.IsUnknownRank) return true;
        if (shape.Rank != invariant.Rank) return false;
        for (int d = 0; d < shape.Rank; d++)
            if (invariant[d] >= 0 && shape[d] != invariant[d]) return false;
        return true;
    }

    private static Tensor[] LoopPlaceholders(Graph graph, Tensor[] loopVars, Shape[] shapes) =>
        loopVars.Select((v, i) => graph.AddOperation("Placeholder", [],
            new Dictionary<string, object> { ["dtype"] = v.DType, ["shape"] = shapes[i] }, "loop_var").Outputs[0]).ToArray();

    // A function's results as tensors of its body: one made outside is passed through an Identity inside.
    private static Tensor[] Close(Graph graph, Graph.FunctionBody body, Tensor[]? results, string function)
    {
        if (results is null) throw new ArgumentException($"{function} returned null; return the branch's tensors.");
        var closed = new Tensor[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            var t = results[i] ?? throw new ArgumentException($"{function} returned null as result {i}; return a tensor.");
            if (t.Graph != graph) throw new ArgumentException($"{function} returned '{t.Name}' of another graph; build it in the loop's or cond's graph.");
            closed[i] = graph.IsInside(t.Op, body) ? t : graph.AddOperation("Identity", [t], null, "output").Outputs[0];
        }
        return closed;
    }

    private static void Describe(Dictionary<string, object> attrs, string f, Graph.FunctionBody body, Tensor[] leading, Tensor[] outputs, int firstCaptureInput)
    {
        attrs[f + "_inputs"] = ControlFlowOps.Join([.. leading, .. body.Captures]);
        attrs[f + "_captures"] = Enumerable.Range(firstCaptureInput, body.Captures.Count).ToArray();
        attrs[f + "_outputs"] = ControlFlowOps.Join(outputs);
        attrs[f + "_ops"] = ControlFlowOps.Join(body.Ops);
    }

    private static string Describe(Tensor[] tensors) =>
        tensors.Length == 0 ? "none" : string.Join(", ", tensors.Select(t => t is null ? "null" : $"'{t.Name}' {t.DType.PythonName()}"));
}
