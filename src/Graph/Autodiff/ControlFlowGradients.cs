using ActorGraph.Ops;

namespace ActorGraph.Autodiff;

// Gradients through If and While. A function's inner values live only while its op runs, so the gradient
// recomputes them: it replays the function's ops (Replay) inside the gradient's own Cond or loops.
// Cond: a Cond on the same predicate whose taken branch replays that branch and differentiates it.
// WhileLoop: a forward loop replays the body and keeps each iteration's loop variables stacked (TensorFlow 1
// keeps them on stacks); a backward loop walks the stack from the last iteration down, replaying the body
// on iteration t's values and carrying the gradients of the loop variables and the sums for captured tensors.
// A replayed Print or variable write does not print or write again: it passes its value on.
internal static class ControlFlowGradients
{
    public static Tensor?[] OfIf(GradContext g)
    {
        var op = g.Op;
        var graph = op.Graph;
        var result = new Tensor?[op.Inputs.Count];
        var differentiable = Enumerable.Range(1, op.Inputs.Count - 1).Where(k => op.Inputs[k].DType.IsFloating()).ToArray();
        var wanted = Enumerable.Range(0, op.Outputs.Count).Where(i => g.OutputGrads[i] is not null && op.Outputs[i].DType.IsFloating()).ToArray();
        if (differentiable.Length == 0 || wanted.Length == 0) return result;
        Tensor[] Branch(string f)
        {
            var body = graph.CurrentBody!;
            var captures = op.Attr<int[]>(f + "_captures");
            var placeholders = captures.Select(k => graph.Resolve(op.Inputs[k], body)).ToArray();
            var outputs = Replay(op, f, placeholders);
            // A variable's reads inside are the variable itself: its gradient is the sum over them.
            captures = [.. captures, .. op.Attr<int[]>("variable_inputs")];
            var xs = placeholders.Concat(op.Attr<int[]>("variable_inputs").Select(k => op.Inputs[k])).ToArray();
            var ys = wanted.Select(i => outputs[i]).ToArray();
            var grads = Gradients.Build(ys, wanted.Select(i => g.OutputGrads[i]!).ToArray(), xs);
            return differentiable.Select(k =>
            {
                int j = Array.IndexOf(captures, k);
                return j >= 0 && grads[j] is { } grad ? grad : TF.ZerosLike(op.Inputs[k]);
            }).ToArray();
        }
        var branchGrads = TF.Cond(op.Inputs[0], () => Branch("then"), () => Branch("else"), "cond_grad");
        for (int d = 0; d < differentiable.Length; d++) result[differentiable[d]] = branchGrads[d];
        return result;
    }

    public static Tensor?[] OfWhile(GradContext g)
    {
        var op = g.Op;
        var graph = op.Graph;
        int n = op.Attr<int>("loop_vars"), maximum = op.Attr<int>("maximum_iterations");
        var result = new Tensor?[op.Inputs.Count];
        var bodyCaptures = op.Attr<int[]>("body_captures");
        // The variables read inside: summed like captured tensors, but their reads stay reads of the variable.
        var sources = bodyCaptures.Concat(op.Attr<int[]>("variable_inputs")).ToArray();
        var condCaptures = op.Attr<int[]>("cond_captures");
        var floatVars = Enumerable.Range(0, n).Where(k => op.Inputs[k].DType.IsFloating()).ToArray();
        var floatCaptures = Enumerable.Range(0, sources.Length).Where(j => op.Inputs[sources[j]].DType.IsFloating()).ToArray();
        if (floatVars.Length == 0 || floatVars.All(k => g.OutputGrads[k] is null)) return result;
        var shapes = ControlFlowOps.Tensors(graph, op.Attr<string>("body_inputs")).Take(n).Select(t => t.Shape).ToArray();

        // Forward: [iterations, state…, stacked states…]; stack k holds the states before each iteration (and the last).
        var stackShapes = shapes.Select(s => s.IsUnknownRank ? Shape.Unknown : Shape.Create([-1, .. s.ToArray()])).ToArray();
        var forward = TF.WhileLoop(
            v => Replay(op, "cond", [.. v[1..(n + 1)], .. condCaptures.Select(k => op.Inputs[k])])[0],
            v =>
            {
                var next = Replay(op, "body", [.. v[1..(n + 1)], .. bodyCaptures.Select(k => op.Inputs[k])]);
                return [v[0] + TF.Constant(1), .. next, .. next.Select((t, k) => TF.Concat([v[1 + n + k], TF.ExpandDims(t, 0)], 0))];
            },
            [TF.Constant(0), .. op.Inputs.Take(n), .. op.Inputs.Take(n).Select(t => TF.ExpandDims(t, 0))],
            maximum < 0 ? null : maximum, [Shape.Scalar, .. shapes, .. stackShapes], "while_grad_forward");
        var iterations = forward[0];
        var stacks = forward[(1 + n)..(1 + 2 * n)];

        // Backward: [t, gradients of the float loop variables…, sums for the float captures…].
        var backward = TF.WhileLoop(
            v => TF.GreaterEqual(v[0], TF.Constant(0)),
            v =>
            {
                var state = stacks.Select(s => TF.Gather(s, v[0])).ToArray();
                var captured = bodyCaptures.Select(k => op.Inputs[k]).ToArray();
                var body = graph.CurrentBody!;
                var inputs = state.Concat(captured.Select(c => graph.Resolve(c, body))).ToArray();
                var outputs = Replay(op, "body", inputs);
                var inner = inputs[n..].Concat(sources[bodyCaptures.Length..].Select(k => op.Inputs[k])).ToArray();
                var xs = floatVars.Select(k => inputs[k]).Concat(floatCaptures.Select(j => inner[j])).ToArray();
                var grads = Gradients.Build(floatVars.Select(k => outputs[k]).ToArray(), v[1..(1 + floatVars.Length)], xs);
                var next = new Tensor[v.Length];
                next[0] = v[0] - TF.Constant(1);
                for (int i = 0; i < floatVars.Length; i++) next[1 + i] = grads[i] ?? TF.ZerosLike(v[1 + i]);
                for (int c = 0; c < floatCaptures.Length; c++)
                {
                    var sum = v[1 + floatVars.Length + c];
                    next[1 + floatVars.Length + c] = grads[floatVars.Length + c] is { } grad ? sum + grad : sum;
                }
                return next;
            },
            [iterations - TF.Constant(1), .. floatVars.Select(k => g.GradOf(k)), .. floatCaptures.Select(j => TF.ZerosLike(op.Inputs[sources[j]]))],
            shapeInvariants: [Shape.Scalar, .. floatVars.Select(k => shapes[k]), .. floatCaptures.Select(j => op.Inputs[sources[j]].Shape)],
            name: "while_grad");
        for (int i = 0; i < floatVars.Length; i++) result[floatVars[i]] = backward[1 + i];
        for (int c = 0; c < floatCaptures.Length; c++)
        {
            int k = sources[floatCaptures[c]];
            result[k] = result[k] is { } other ? other + backward[1 + floatVars.Length + c] : backward[1 + floatVars.Length + c];
        }
        return result;
    }

    // Re-creates the ops function f of op needs for its outputs in the graph's current body, its
    // placeholders standing for `inputs`; returns the copies of its outputs.
    internal static Tensor[] Replay(Operation op, string f, Tensor[] inputs)
    {
        var graph = op.Graph;
        var map = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer<Tensor>.Instance);
        var copyOf = new Dictionary<Operation, Operation>();
        var placeholders = ControlFlowOps.Tensors(graph, op.Attr<string>(f + "_inputs"));
        for (int i = 0; i < placeholders.Length; i++) map[placeholders[i]] = inputs[i];
        var outputs = ControlFlowOps.Tensors(graph, op.Attr<string>(f + "_outputs"));
        var owned = ControlFlowOps.Names(op.Attr<string>(f + "_ops")).Select(graph.GetOperation).ToHashSet();
        var needed = new HashSet<Operation>();
        var stack = new Stack<Operation>();
        foreach (var t in outputs)
            if (!map.ContainsKey(t) && needed.Add(t.Op)) stack.Push(t.Op);
        while (stack.Count > 0)
        {
            var o = stack.Pop();
            for (int i = o.Def.RefInputs; i < o.InputArray.Length; i++)
            {
                var t = o.InputArray[i];
                if (!map.ContainsKey(t) && owned.Contains(t.Op) && needed.Add(t.Op)) stack.Push(t.Op);
            }
            foreach (var c in o.ControlInputArray)
                if (owned.Contains(c) && needed.Add(c)) stack.Push(c);
        }
        foreach (var o in needed.OrderBy(o => o.Id))
        {
            var ins = o.InputArray.Select((t, i) => i < o.Def.RefInputs ? t : map.GetValueOrDefault(t, t)).ToArray();
            Tensor[] copies;
            if (o.Def.Traits.HasFlag(OpTraits.Print)) copies = [TF.Identity(ins[0])];
            else if (o.Def.Traits.HasFlag(OpTraits.WritesVariable)) copies = [TF.Identity(o.InputArray[0])];
            else
            {
                var control = o.ControlInputArray.Where(copyOf.ContainsKey).Select(c => copyOf[c]).ToArray();
                var copy = graph.AddOperation(o.Type, ins, o.Attrs, null, control);
                copyOf[o] = copy;
                copies = [.. copy.Outputs];
            }
            for (int i = 0; i < copies.Length && i < o.Outputs.Count; i++) map[o.Outputs[i]] = copies[i];
        }
        return outputs.Select(t => map.GetValueOrDefault(t, t)).ToArray();
    }
}
