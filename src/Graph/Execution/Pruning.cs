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
    // Linear in the path's ops and edges: ops are numbered once, and consumers are kept as one flat
    // array sliced per op (counts, then offsets), so the walk itself does no hashing.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<Operation> Schedule(HashSet<Operation> path, ISet<Tensor> fed)
    {
        var ops = new Operation[path.Count];
        var position = new Dictionary<Operation, int>(path.Count, ReferenceEqualityComparer<Operation>.Instance);
        int n = 0;
        foreach (var op in path)
        {
            ops[n] = op;
            position.Add(op, n++);
        }

        // Each op's dependencies on the path, as positions, op after op: edgeStart[i]..edgeStart[i + 1].
        var pending = new int[ops.Length];
        var consumerCount = new int[ops.Length];
        var edgeStart = new int[ops.Length + 1];
        var edges = new List<int>(ops.Length);
        var deps = new List<Operation>();
        for (int i = 0; i < ops.Length; i++)
        {
            edgeStart[i] = edges.Count;
            Dependencies(ops[i], fed, deps);
            foreach (var dep in deps)
            {
                if (!position.TryGetValue(dep, out int d)) continue;
                edges.Add(d);
                consumerCount[d]++;
            }
            pending[i] = edges.Count - edgeStart[i];
        }
        edgeStart[ops.Length] = edges.Count;

        // Consumers of op d are consumers[consumerStart[d]..consumerStart[d + 1]], in path order as consumers are met.
        var consumerStart = new int[ops.Length + 1];
        for (int d = 0; d < ops.Length; d++) consumerStart[d + 1] = consumerStart[d] + consumerCount[d];
        var consumers = new int[edges.Count];
        var filled = consumerCount; // counts are no longer needed: reused as each slice's fill level
        Array.Clear(filled);
        for (int i = 0; i < ops.Length; i++)
            for (int e = edgeStart[i]; e < edgeStart[i + 1]; e++)
            {
                int d = edges[e];
                consumers[consumerStart[d] + filled[d]++] = i;
            }

        var ready = new PriorityQueue<int, (int, int)>();
        for (int i = 0; i < ops.Length; i++)
            if (pending[i] == 0) ready.Enqueue(i, Priority(ops[i]));
        var order = new List<Operation>(ops.Length);
        while (ready.TryDequeue(out int i, out _))
        {
            order.Add(ops[i]);
            for (int e = consumerStart[i]; e < consumerStart[i + 1]; e++)
            {
                int c = consumers[e];
                if (--pending[c] == 0) ready.Enqueue(c, Priority(ops[c]));
            }
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
