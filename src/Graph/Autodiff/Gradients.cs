using ActorGraph.Ops;

namespace ActorGraph.Autodiff;

// Reverse-mode autodiff as one walk that adds gradient nodes to the graph: partial gradients
// are summed over every path from y back to each x; null where y does not depend on x. A Gather's
// gradient for its table is an IndexedSlices, and stays one while only sparse gradients add to it.
internal static class Gradients
{
    public static Tensor?[] Build(Tensor y, IReadOnlyList<Tensor> xs) => Build([y], null, xs);

    // The gradients of sum(ys[i] * gradYs[i]) (ones where gradYs is null) with respect to each x.
    public static Tensor?[] Build(IReadOnlyList<Tensor> ys, IReadOnlyList<Tensor>? gradYs, IReadOnlyList<Tensor> xs)
    {
        var graph = ys[0].Graph;
        foreach (var x in xs)
            if (x.Graph != graph) throw new ArgumentException($"Gradients: '{x.Name}' belongs to another graph than '{ys[0].Name}'.");
        var between = OpsBetween(ys, xs);
        var partials = new Dictionary<Tensor, List<Tensor>>(ReferenceEqualityComparer<Tensor>.Instance);
        // Gradient functions build with TF.*, which adds to Graph.Default: make it y's graph.
        using (graph.AsDefault())
        using (graph.NameScope("gradients"))
        {
            for (int i = 0; i < ys.Count; i++)
                if (between.Contains(ys[i].Op))
                {
                    if (!partials.TryGetValue(ys[i], out var list)) partials[ys[i]] = list = [];
                    list.Add(gradYs?[i] ?? TF.OnesLike(ys[i]));
                }
            foreach (var op in between.OrderByDescending(o => o.Id))
                Backprop(op, between, partials);
            return xs.Select(x => Sum(partials, x)).ToArray();
        }
    }

    private static void Backprop(Operation op, HashSet<Operation> between, Dictionary<Tensor, List<Tensor>> partials)
    {
        var inputs = op.InputArray;
        bool feedsBetween = false;
        for (int i = op.Def.RefInputs; i < inputs.Length; i++) feedsBetween |= between.Contains(inputs[i].Op);
        if (!feedsBetween) return;
        var outputGrads = op.Outputs.Select(t => Sum(partials, t)).ToArray();
        if (Array.TrueForAll(outputGrads, g => g is null)) return;
        if (op.Def.Traits.HasFlag(OpTraits.NoGradient)) return;
        if (op.Def.Gradient is null)
            throw new ArgumentException($"No gradient defined for operation '{op.Name}' (op type: {op.Type}); it cannot be on the path between the loss and the variables you differentiate.");
        var inputGrads = op.Def.Gradient(new GradContext(op, outputGrads));
        for (int i = op.Def.RefInputs; i < inputs.Length && i < inputGrads.Length; i++)
        {
            var g = inputGrads[i];
            if (g is null || !between.Contains(inputs[i].Op) || !inputs[i].DType.IsFloating()) continue;
            if (!partials.TryGetValue(inputs[i], out var list)) partials[inputs[i]] = list = [];
            list.Add(g);
        }
    }

    private static Tensor? Sum(Dictionary<Tensor, List<Tensor>> partials, Tensor t)
    {
        if (!partials.TryGetValue(t, out var list) || list.Count == 0) return null;
        if (list.Count > 1)
        {
            // Sparse contributions stay sparse (rows concatenated, as TensorFlow 1); any dense one makes the sum dense.
            var total = list.TrueForAll(t => t is IndexedSlices)
                ? TF.ConcatSlices(list.ConvertAll(t => (IndexedSlices)t))
                : list.Aggregate((a, b) => TF.Add(a, b));
            list.Clear();
            list.Add(total);
        }
        return list[0];
    }

    // Ops reachable forward from some x and backward from y: only they carry gradient.
    private static HashSet<Operation> OpsBetween(IReadOnlyList<Tensor> ys, IReadOnlyList<Tensor> xs)
    {
        var reachesY = new HashSet<Operation>();
        var stack = new Stack<Operation>();
        foreach (var y in ys)
            if (reachesY.Add(y.Op)) stack.Push(y.Op);
        while (stack.Count > 0)
        {
            var op = stack.Pop();
            var inputs = op.InputArray;
            for (int i = op.Def.RefInputs; i < inputs.Length; i++)
                if (reachesY.Add(inputs[i].Op)) stack.Push(inputs[i].Op);
        }
        var xOps = xs.Select(x => x.Op).Where(reachesY.Contains).ToHashSet();
        var between = new HashSet<Operation>(xOps);
        // Forward from the xs, in id order: an op's inputs always come before it.
        foreach (var op in reachesY.OrderBy(o => o.Id))
        {
            if (between.Contains(op)) continue;
            var inputs = op.InputArray;
            for (int i = op.Def.RefInputs; i < inputs.Length; i++)
                if (between.Contains(inputs[i].Op)) { between.Add(op); break; }
        }
        return between;
    }
}
