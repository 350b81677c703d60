using System.Runtime.CompilerServices;
using ActorGraph.Wire;

namespace ActorGraph;

// The graph's wire form: a session sends the ops a remote node lacks (an extend), and the
// coordinator sends each worker its partition; both are re-created here under their exact names.
public sealed partial class Graph
{
    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal IReadOnlyList<OperationDef> ExportSince(int version)
    {
        var ops = OperationsSince(version);
        var defs = new OperationDef[ops.Count];
        for (int i = 0; i < defs.Length; i++) defs[i] = OperationDef.From(ops[i]);
        return defs;
    }

    // Adds the ops in order; each input and control input must already be in this graph.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Import(IEnumerable<OperationDef> defs)
    {
        // One lock for the whole import (AddOperation re-enters it), not one per name looked up.
        lock (_lock)
            foreach (var def in defs)
            {
                var inputs = new Tensor[def.Inputs.Length];
                for (int i = 0; i < inputs.Length; i++) inputs[i] = GetTensor(def.Inputs[i]);
                var control = new Operation[def.ControlInputs.Length];
                for (int i = 0; i < control.Length; i++) control[i] = GetOperation(def.ControlInputs[i]);
                AddOperation(def.Type, inputs, def.AttrDictionary(), def.Name, control,
                    OpCreation.ExactName, def.Device);
            }
    }

    internal static Graph FromDefs(IEnumerable<OperationDef> defs)
    {
        var graph = new Graph();
        graph.Import(defs);
        return graph;
    }
}
