namespace ActorGraph;

// Training hash tables: Minimize differentiates the loss with respect to each lookup's rows, and every part gets
// one sparse update of the rows its lookups returned, keyed by the raw ids (repeated ids summed by the update).
public abstract partial class Optimizer
{
    private sealed record HashGradient(Tensor Part, Tensor Values, Tensor Ids);

    // The optimizer's sparse update of a hash table part; null for an optimizer without one.
    private protected virtual Operation? ApplyHashSparse(Tensor part, Tensor values, Tensor ids) => null;

    // kind: the sparse update kind's op type; operands in its order; slots: each slot's name and starting value.
    private protected static Operation HashApply(Tensor part, string kind, Tensor[] operands, (string Name, double Init)[] slots) =>
        Graph.Default.AddOperation("HashSparseApply", [part, .. operands], new Dictionary<string, object>
        {
            ["kind"] = kind,
            ["slot_names"] = string.Join(",", HashTables.HashSlotNames.For(part, slots.Select(s => s.Name))),
            ["slot_inits"] = NDArray.FromArray(slots.Select(s => s.Init).ToArray(), new Shape(slots.Length)),
        }, "HashSparseApply");

    // The lookups of trainable hash tables on the loss's computation path, in the order the graph made them.
    private static Operation[] HashLookupsOnPath(Tensor loss) =>
        [.. Execution.Pruning.ComputationPath([loss.Op], new HashSet<Tensor>())
            .Where(op => op.Type == "HashLookup" && op.RefInput(0).Attr("trainable", true))
            .OrderBy(op => op.Id)];

    private Operation MinimizeWithHashTables(Tensor loss, Operation[] lookups)
    {
        if (!loss.DType.IsFloating())
            throw new ArgumentException($"{Name}: the loss '{loss.Name}' is {loss.DType.PythonName()}; it must be float32 or float64.");
        var variables = TrainableOnPath(loss).ToArray();
        var grads = TF.Gradients(loss, [.. variables, .. lookups.Select(l => l.Outputs[0])]);
        var hashGradients = new List<HashGradient>();
        foreach (var byPart in lookups.Select((l, i) => (Lookup: l, Grad: grads[variables.Length + i])).Where(x => x.Grad is not null)
                     .GroupBy(x => x.Lookup.RefInput(0)))
        {
            var rows = byPart.Select(x => RowsOf(x.Lookup, x.Grad!)).ToArray();
            hashGradients.Add(rows.Length == 1
                ? new HashGradient(byPart.Key.Outputs[0], rows[0].Values, rows[0].Ids)
                : new HashGradient(byPart.Key.Outputs[0], TF.Concat([.. rows.Select(r => r.Values)], 0), TF.Concat([.. rows.Select(r => r.Ids)], 0)));
        }
        var pairs = variables.Select((v, i) => (grads[i], v)).ToArray();
        if (hashGradients.Count == 0 && pairs.All(p => p.Item1 is null))
            throw new ArgumentException($"{Name}.Minimize: no gradient flows from '{loss.Name}' to any of the variables or hash tables on its path; the loss does not depend on them.");
        return Apply(pairs, hashGradients);
    }

    // A lookup's gradient as rows and the raw ids they belong to: the stitch's gradient is an IndexedSlices over the
    // lookup's unique ids, so its indices pick the ids.
    private static (Tensor Values, Tensor Ids) RowsOf(Operation lookup, Tensor grad)
    {
        var ids = lookup.Inputs[1];
        return grad is IndexedSlices slices ? (slices.Values, TF.Gather(ids, slices.Indices)) : (grad, ids);
    }
}
