using System.Runtime.CompilerServices;
using ActorGraph.Ops;

namespace ActorGraph.Execution;

// The ops of one (fetches, fed tensors, targets) in run order, with every tensor given a value
// slot. Compiled once and reused by every Run with the same key; instances carry the buffers.
public sealed partial class CompiledPlan
{
    private readonly Operation[] _order;
    private readonly int[][] _inputSlots;
    private readonly int[][] _outputSlots;
    private readonly Dictionary<int, int> _slotOfTensor;
    private readonly int[] _fetchSlots;
    private readonly Operation[] _variablesRead;
    private readonly HashSet<Operation> _variablesWritten = [];
    // TensorFlow 1 reads a reference variable where its value is used: an op that uses a variable this plan also
    // writes reads it as it runs (per op, those inputs; null for most), so a read ordered after a write sees it,
    // and the variable's own op does not insist on a value before the writes (an initializer on the path).
    private readonly int[]?[] _lateReads;
    // Per op: a variable this plan writes, whose users read it themselves (see _lateReads).
    private readonly bool[] _deferred;
    // The op of each fetch, for a deferred variable fetched before anything gave it a value.
    private readonly Operation?[] _fetchOps;
    private readonly Func<ActorGraphException>? _missingFeed;
    private PlanInstance? _idle;

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal CompiledPlan(IReadOnlyList<Tensor?> fetchTensors, IReadOnlyList<Operation> roots, ISet<Tensor> fed)
    {
        var path = Pruning.ComputationPath(roots, fed);
        _order = Pruning.Schedule(path, fed).ToArray();
        _slotOfTensor = new Dictionary<int, int>(_order.Length + fed.Count);
        foreach (var t in fed) SlotFor(t);
        _inputSlots = new int[_order.Length][];
        _outputSlots = new int[_order.Length][];
        for (int n = 0; n < _order.Length; n++)
        {
            var op = _order[n];
            var inputs = op.InputArray;
            _inputSlots[n] = new int[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                _inputSlots[n][i] = i < op.Def.RefInputs ? -1 : SlotFor(inputs[i]);
            // A fed output keeps its feed even when its op runs (as a control input, or for another output).
            var outputs = op.Outputs;
            _outputSlots[n] = new int[outputs.Count];
            for (int i = 0; i < outputs.Count; i++) _outputSlots[n][i] = fed.Count > 0 && fed.Contains(outputs[i]) ? -1 : SlotFor(outputs[i]);
            if (op.Def.Traits.HasFlag(OpTraits.WritesVariable))
                for (int r = 0; r < op.Def.RefInputs; r++) _variablesWritten.Add(op.RefInput(r));
        }
        _lateReads = new int[]?[_order.Length];
        _deferred = new bool[_order.Length];
        for (int n = 0; n < _order.Length; n++)
        {
            var op = _order[n];
            _deferred[n] = op.Def.IsVariable && _variablesWritten.Contains(op);
            if (_variablesWritten.Count == 0) continue;
            List<int>? late = null;
            for (int i = op.Def.RefInputs; i < op.InputArray.Length; i++)
                if (_inputSlots[n][i] >= 0 && op.InputArray[i].Op.Def.IsVariable && _variablesWritten.Contains(op.InputArray[i].Op)) (late ??= []).Add(i);
            if (late is not null) _lateReads[n] = late.ToArray();
        }
        _fetchSlots = fetchTensors.Select(t => t is null ? -1 : SlotFor(t)).ToArray();
        _fetchOps = fetchTensors.Select(t => t?.Op).ToArray();
        _variablesRead = _order.Where(op => op.Def.IsVariable).ToArray();
        var unfed = _order.FirstOrDefault(op => op.Def.Traits.HasFlag(OpTraits.Placeholder));
        if (unfed is not null) _missingFeed = () => MissingFeed(unfed, roots, fed);
        SlotCount = _slotOfTensor.Count;
    }

    public IReadOnlyList<Operation> Operations => _order;
    internal int SlotCount { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int SlotFor(Tensor t)
    {
        if (!_slotOfTensor.TryGetValue(t.Key, out int slot)) _slotOfTensor[t.Key] = slot = _slotOfTensor.Count;
        return slot;
    }

    internal bool TryGetSlot(Tensor t, out int slot) => _slotOfTensor.TryGetValue(t.Key, out slot);

    // Refuses the step before any op runs: an unfed placeholder, or a read of a variable that is
    // uninitialized and that nothing on the path assigns.
    internal void CheckRunnable(IVariableAccess variables)
    {
        if (_missingFeed is not null) throw _missingFeed();
        foreach (var v in _variablesRead)
            if (!_variablesWritten.Contains(v) && !variables.IsInitialized(v))
                throw Errors.Uninitialized(v);
    }

    // The error a Run would give for an unfed placeholder on the path; null when every one is fed.
    internal ActorGraphException? MissingFeedError() => _missingFeed?.Invoke();

    private static InvalidArgumentException MissingFeed(Operation placeholder, IReadOnlyList<Operation> roots, ISet<Tensor> fed)
    {
        var output = placeholder.Outputs[0];
        var message = $"You must feed a value for placeholder tensor '{placeholder.Name}' with dtype {output.DType.KernelName()}";
        if (output.Shape.Rank > 0) message += $" and shape {output.Shape.ToBracketString()}";
        var chain = Errors.ChainTo(placeholder, roots, fed);
        if (chain is { Count: > 1 }) message += $"\n  The fetch '{chain[0]}' needs it: {string.Join(" <- ", chain)}. Feed it with new FeedDict {{ [{placeholder.Name}] = value }}.";
        return new InvalidArgumentException(message);
    }
}
