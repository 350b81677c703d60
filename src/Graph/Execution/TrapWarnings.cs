using ActorGraph.Ops;

namespace ActorGraph.Execution;

// Notices the seed's two silent traps while a session runs and says so once: a Print that would
// print if it were on the computation path, and a graph that grows on every Run. Looks at each
// plan (fetches, fed tensors) once, and again only at ops added since, so a training loop pays
// one hash lookup per Run.
internal sealed class TrapWarnings(Graph graph, Action<string> warn)
{
    // Runs in a row, each on a new plan of a graph that grew since the Run before: more than the
    // seed's own walk-through (build a node, run it) makes, fewer than any training loop.
    public const int GrowingRunsBeforeWarning = 25;

    private readonly object _lock = new();
    // Per plan, the graph version up to which its Prints have been looked at.
    private readonly Dictionary<PlanKey, int> _checkedUpTo = [];
    private int _lastVersion = -1;
    // The plan and graph version of a Run that found nothing to look at and nothing to count: the
    // same request again, on the same graph, would change nothing either, so it returns at once.
    private volatile Steady? _steady;

    private sealed record Steady(PlanKey Key, int Version);
    private int _growingRuns;
    private bool _growthWarned;
    private bool _updateOpsWarned;
    private readonly HashSet<Operation> _sideEffectsWarned = [];

    public void Observe(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        int version = graph.Version;
        if (_steady is { } steady && steady.Version == version && steady.Key.Matches(fetches, fed)) return;
        var key = PlanKey.Of(fetches, fed);
        bool newPlan, warnGrowth = false;
        int since, printsFrom;
        lock (_lock)
        {
            newPlan = !_checkedUpTo.TryGetValue(key, out printsFrom);
            if (newPlan || version > printsFrom) _checkedUpTo[key] = version;
            since = _lastVersion;
            bool grew = _lastVersion >= 0 && version > _lastVersion;
            _growingRuns = newPlan && grew ? _growingRuns + 1 : 0;
            if (_growingRuns >= GrowingRunsBeforeWarning && !_growthWarned) warnGrowth = _growthWarned = true;
            _lastVersion = Math.Max(_lastVersion, version);
            _steady = !newPlan && version <= printsFrom && _growingRuns == 0 ? new Steady(key, version) : null;
        }
        if (newPlan) WarnUpdateOpsOffPath(fetches, fed);
        if (newPlan) WarnPrintsOffPath(fetches, fed, 0);
        else if (version > printsFrom) WarnPrintsOffPath(fetches, fed, printsFrom);
        if (warnGrowth) warn(GrowthText(since, version));
    }

    // A Print whose copied input this Run computes, while the Print itself is not on the path:
    // the user most likely expects it to print, and TensorFlow stays silent.
    private void WarnPrintsOffPath(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed, int fromVersion)
    {
        HashSet<Tensor>? fedSet = null;
        HashSet<Operation>? path = null;
        foreach (var op in graph.OperationsSince(fromVersion))
        {
            bool isCond = op.Type == "If";
            if (!isCond && (!op.Def.Traits.HasFlag(OpTraits.Print) || op.InputArray.Length == 0)) continue;
            fedSet ??= new HashSet<Tensor>(fed.Select(p => p.Key), ReferenceEqualityComparer<Tensor>.Instance);
            path ??= Pruning.ComputationPath(Pruning.Roots(fetches, fedSet), fedSet);
            if (isCond)
            {
                if (path.Contains(op)) WarnSideEffectsUsedInBranches(op);
                continue;
            }
            var copied = op.InputArray[0];
            if (path.Contains(op) || fedSet.Contains(copied) || !path.Contains(copied.Op)) continue;
            warn($"Print '{op.Name}' will not print: it is not on the computation path of {Describe(fetches)}; " +
                 $"fetch it, or use its output ('{op.Outputs[0].Name}') where you use '{copied.Name}'.");
        }
    }

    // TensorFlow 1's Cond trap: an op with a side effect made outside a branch and used inside (as a value or a
    // control dependency) runs whatever the predicate is. Said once per such op.
    private void WarnSideEffectsUsedInBranches(Operation cond)
    {
        var used = cond.InputArray.Skip(1).Select(t => t.Op).Concat(cond.ControlInputArray);
        foreach (var op in used)
        {
            if ((op.Def.Traits & (OpTraits.WritesVariable | OpTraits.Print)) == 0) continue;
            lock (_lock)
                if (!_sideEffectsWarned.Add(op)) continue;
            warn($"{op.Type} '{op.Name}' is made outside the Cond '{cond.Name}' and used inside a branch: it runs whatever the " +
                 "predicate is, as in TensorFlow 1. Create it inside the branch function for it to run only when that branch is taken.");
        }
    }

    // Batch normalization's moving statistics change only through the update ops; a training step that
    // leaves them off its path trains well and then infers with the initial statistics.
    private void WarnUpdateOpsOffPath(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        if (_updateOpsWarned) return;
        var updateOps = graph.GetCollection(GraphKeys.UpdateOps);
        if (updateOps.Count == 0) return;
        var fedSet = new HashSet<Tensor>(fed.Select(p => p.Key), ReferenceEqualityComparer<Tensor>.Instance);
        var path = Pruning.ComputationPath(Pruning.Roots(fetches, fedSet), fedSet);
        if (!path.Any(IsOptimizerUpdate)) return;
        var missing = updateOps.Where(op => !path.Contains(op)).ToList();
        if (missing.Count == 0) return;
        _updateOpsWarned = true;
        var names = string.Join(", ", missing.Take(4).Select(o => $"'{o.Name}'")) + (missing.Count > 4 ? $", … ({missing.Count} in all)" : "");
        warn($"this training step leaves the batch normalization update ops {names} off its path: the moving mean and " +
             "variance never change, and inference will use their initial values. Make the train op depend on them: " +
             "using (TF.ControlDependencies([.. TF.GetCollection(GraphKeys.UpdateOps)])) { trainOp = optimizer.Minimize(loss); }");
    }

    // TensorFlow's optimizer ops are all Apply* (ApplyGradientDescent, ApplyAdam, …).
    private static bool IsOptimizerUpdate(Operation op) =>
        op.Def.Traits.HasFlag(OpTraits.WritesVariable) && op.Type.StartsWith("Apply", StringComparison.Ordinal);

    private string GrowthText(int before, int now)
    {
        var added = before >= 0 && now > before ? graph.OperationsSince(before) : [];
        var names = string.Join(", ", added.Take(3).Select(o => $"'{o.Name}' ({o.Type})")) + (added.Count > 3 ? ", …" : "");
        return $"the graph grows on every Run: a node is created inside your training loop ({GrowingRunsBeforeWarning} Runs in a row " +
               $"each found new operations and compiled a new plan; the latest: {names}). Build the graph once before the loop " +
               "and only Run it inside: every TF.* call adds a node, and the graph never forgets one.";
    }

    internal static string Describe(IReadOnlyList<Fetch> fetches) =>
        "[" + string.Join(", ", fetches.Select(f => f.Tensor?.Name ?? f.Operation.Name)) + "]";
}
