using System.Runtime.CompilerServices;
using ActorGraph.Ops;

namespace ActorGraph.Execution;

// The computation path: the fetched ops and, recursively, the data and control inputs of what
// runs, stopping at fed tensors. Reference inputs (an Assign's target) are not followed: the
// seed's "non-dependent edge".
internal static class Pruning
{
    // The ops to start from: a fetched tensor that is fed is answered by its feed, so its op need not run.
    public static Operation[] Roots(IEnumerable<Fetch> fetches, ISet<Tensor> fed) =>
        fetches.Where(f => f.Tensor is null || !fed.Contains(f.Tensor)).Select(f => f.Operation).Distinct().ToArray();

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static HashSet<Operation> ComputationPath(IEnumerable<Operation> roots, ISet<Tensor> fed)
    {
        var path = new HashSet<Operation>(ReferenceEqualityComparer<Operation>.Instance);
        var stack = new Stack<Operation>();
        foreach (var root in roots)
            if (path.Add(root)) stack.Push(root);
        while (stack.Count > 0)
        {
            var op = stack.Pop();
            var inputs = op.InputArray;
            for (int i = op.Def.RefInputs; i < inputs.Length; i++)
            {
                var t = inputs[i];
                if (!fed.Contains(t) && path.Add(t.Op)) stack.Push(t.Op);
            }
            foreach (var c in op.ControlInputArray)
                if (!IsFedPlaceholder(c, fed) && path.Add(c)) stack.Push(c);
        }
        return path;
    }

    // As TensorFlow rewires a fed placeholder's control edges to its feed: waiting on it needs no run.
    internal static bool IsFedPlaceholder(Operation op, ISet<Tensor> fed) =>
        op.Def.Traits.HasFlag(OpTraits.Placeholder) && fed.Contains(op.Outputs[0]);

    // Kahn's order over the path, writers of variables as late as the edges allow, so every
    // pure op (and every read) that does not depend on an update runs before any update.
    // Linear in the path's ops and edges: a chain of 10,000 ops is scheduled in a few milliseconds.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<Operation> Schedule(HashSet<Operation> path, ISet<Tensor> fed)
    {
        var pending = new Dictionary<Operation, int>(path.Count, ReferenceEqualityComparer<Operation>.Instance);
        var consumers = new Dictionary<Operation, List<Operation>>(path.Count, ReferenceEqualityComparer<Operation>.Instance);
        var deps = new List<Operation>();
        foreach (var op in path)
        {
            Dependencies(op, fed, deps);
            int count = 0;
            foreach (var dep in deps)
            {
                if (!path.Contains(dep)) continue;
                count++;
                if (!consumers.TryGetValue(dep, out var list)) consumers[dep] = list = [];
                list.Add(op);
            }
            pending[op] = count;
        }
        var ready = new PriorityQueue<Operation, (int, int)>();
        foreach (var (op, count) in pending)
            if (count == 0) ready.Enqueue(op, Priority(op));
        var order = new List<Operation>(path.Count);
        while (ready.TryDequeue(out var op, out _))
        {
            order.Add(op);
            if (!consumers.TryGetValue(op, out var list)) continue;
            foreach (var c in list)
                if (--System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(pending, c) == 0) ready.Enqueue(c, Priority(c));
        }
        return order;
    }

    private static (int, int) Priority(Operation op) => (op.Def.Traits.HasFlag(OpTraits.WritesVariable) ? 1 : 0, op.Id);

    // The distinct ops op waits for (data inputs not fed, then control inputs), into deps.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dependencies(Operation op, ISet<Tensor> fed, List<Operation> deps)
    {
        deps.Clear();
        var inputs = op.InputArray;
        for (int i = op.Def.RefInputs; i < inputs.Length; i++)
            if (!fed.Contains(inputs[i]) && !Contains(deps, inputs[i].Op)) deps.Add(inputs[i].Op);
        foreach (var c in op.ControlInputArray)
            if (!Contains(deps, c)) deps.Add(c);
    }

    // Ops have a handful of inputs: a scan beats a set.
    private static bool Contains(List<Operation> ops, Operation op)
    {
        foreach (var o in ops)
            if (ReferenceEquals(o, op)) return true;
        return false;
    }
}
