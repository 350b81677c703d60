using ActorGraph.Execution;
using ActorGraph.Training;

namespace ActorGraph.ParameterServer;

// Decide's checks: everything UpdateRules.Apply would trip on, caught before any event exists, so a
// malformed or mistaken update is refused with TensorFlow's text and never crashes the shard.
public sealed partial class ShardState
{
    // Variables as they will be when the batch's earlier updates have applied (an Assign may create one).
    private sealed class BatchView(ShardState state)
    {
        private readonly Dictionary<string, (DType DType, Shape Shape)> _assigned = new(StringComparer.Ordinal);

        public (DType DType, Shape Shape)? Meta(string name) =>
            _assigned.TryGetValue(name, out var m) ? m : state.ValueOf(name) is { } v ? (v.DType, v.Shape) : null;

        public void Assign(string name, NDArray value) => _assigned[name] = (value.DType, value.Shape);
    }

    private ShardRequestFailed? Check(long step, int index, WireUpdate? u, BatchView batch)
    {
        if (u is null) return Invalid(step, $"ApplyUpdates: update {index} is missing.");
        if (string.IsNullOrEmpty(u.Variable)) return Invalid(step, $"ApplyUpdates: update {index} names no variable.");
        if (UpdateKinds.Find(u.Kind) is not { } rule) return Invalid(step, $"Unknown update kind {(int)u.Kind} for variable {u.Variable}.");
        if (u.Hash is { } hash) return CheckHash(step, u, rule, hash);
        string what = $"{u.Kind} of variable {u.Variable}";
        if (CheckArity(u, rule, what) is { } arity) return Invalid(step, arity);

        var variable = batch.Meta(u.Variable);
        var value = u.Operands[^1];
        if (rule.Creates)
        {
            if (variable is { } v && v.DType != value.DType)
                return Invalid(step, $"{what}: the value is {value.DType.PythonName()} but the variable is {v.DType.PythonName()}.");
            if (variable is { } w && !w.Shape.Equals(value.Shape))
                return Invalid(step, $"Assign requires shapes of both tensors to match. lhs shape= {w.Shape.ToBracketString()} rhs shape= {value.Shape.ToBracketString()}");
            batch.Assign(u.Variable, value);
            return null;
        }
        if (variable is not { } current) return Uninitialized(step, u.Variable);
        bool assignment = rule.Family == UpdateFamily.Assignment;
        if (rule.TakesIntegers ? !current.DType.IsNumeric() : !current.DType.IsFloating())
            return Invalid(step, $"{what}: {current.DType.PythonName()} variables cannot take this update.");

        if (rule.IsSparse)
        {
            if (CheckSparse(u, rule, current, what) is { } badRows) return Invalid(step, badRows);
        }
        else
            for (int i = 0; i < rule.Operands.Length; i++)
                if (CheckInput(rule.Operands[i], u.Operands[i].DType, u.Operands[i].Shape, current, what, assignment) is { } bad)
                    return Invalid(step, bad);
        for (int i = 0; i < rule.Slots.Length; i++)
        {
            if (batch.Meta(u.Slots[i]) is not { } slot) return Uninitialized(step, u.Slots[i]);
            if (CheckInput(rule.Slots[i], slot.DType, slot.Shape, current, what, assignment) is { } bad) return Invalid(step, bad);
        }
        return null;
    }

    private static string? CheckArity(WireUpdate u, UpdateRule rule, string what)
    {
        if (u.Operands is null || u.Operands.Length != rule.Operands.Length)
            return $"{what} takes {rule.Operands.Length} operands ({Names(rule.Operands)}), got {u.Operands?.Length ?? 0}.";
        if (u.Slots is null || u.Slots.Length != rule.Slots.Length)
            return $"{what} takes {rule.Slots.Length} slots ({Names(rule.Slots)}), got {u.Slots?.Length ?? 0}.";
        for (int i = 0; i < u.Operands.Length; i++)
            if (u.Operands[i] is null) return $"{what}: operand {rule.Operands[i].Name} is missing.";
        for (int i = 0; i < u.Slots.Length; i++)
        {
            var slot = u.Slots[i];
            if (string.IsNullOrEmpty(slot)) return $"{what}: slot {rule.Slots[i].Name} names no variable.";
            if (slot == u.Variable || Array.IndexOf(u.Slots, slot) != i)
                return $"{what}: slot {rule.Slots[i].Name} names {slot}, which the update already writes.";
        }
        return null;
    }

    // TensorFlow's kernel texts (training_ops.cc, dense_update_ops.cc), then which update they refer to.
    private static string? CheckInput(UpdateInput input, DType dtype, Shape shape, (DType DType, Shape Shape) variable, string what, bool assignment)
    {
        if (dtype != variable.DType)
            return $"{what}: {input.Name} is {dtype.PythonName()} but the variable is {variable.DType.PythonName()}.";
        if (input.Scalar)
            return shape.Size == 1 ? null : $"{input.Name} is not a scalar: {shape.ToBracketString()} ({what})";
        if (shape.Equals(variable.Shape)) return null;
        return assignment
            ? $"Parameters and update must be the same size ({what}: {variable.Shape.ToBracketString()} and {shape.ToBracketString()})"
            : $"var and {input.Name} do not have the same shape{variable.Shape.ToBracketString()} {shape.ToBracketString()} ({what})";
    }

    private static string Names(UpdateInput[] inputs) => inputs.Length == 0 ? "none" : string.Join(", ", inputs.Select(i => i.Name));
}
