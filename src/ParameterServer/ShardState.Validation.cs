using ActorGraph.Execution;

namespace ActorGraph.ParameterServer;

// Decide's checks: everything UpdateRules.Apply would trip on, caught before any event exists, so a
// malformed or mistaken update is refused with TensorFlow's text and never crashes the shard.
public sealed partial class ShardState
{
    // An input of an update: operands and slots in VariableUpdate's order, with TensorFlow's input names.
    private readonly record struct Input(string Name, bool Scalar);

    private sealed record Layout(Input[] Operands, Input[] Slots);

    private static readonly Layout AssignLayout = new([new("value", false)], []);

    private static readonly Dictionary<UpdateKind, Layout> Layouts = new()
    {
        [UpdateKind.Assign] = AssignLayout,
        [UpdateKind.AssignAdd] = AssignLayout,
        [UpdateKind.AssignSub] = AssignLayout,
        [UpdateKind.GradientDescent] = new([new("alpha", true), new("delta", false)], []),
        [UpdateKind.Momentum] = new([new("lr", true), new("grad", false), new("momentum", true)], [new("accum", false)]),
        [UpdateKind.Adam] = new(
            [new("lr", true), new("beta1", true), new("beta2", true), new("epsilon", true), new("grad", false)],
            [new("m", false), new("v", false), new("beta1_power", true), new("beta2_power", true)]),
    };

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
        if (!Layouts.TryGetValue(u.Kind, out var layout)) return Invalid(step, $"Unknown update kind {(int)u.Kind} for variable {u.Variable}.");
        string what = $"{u.Kind} of variable {u.Variable}";
        if (CheckArity(u, layout, what) is { } arity) return Invalid(step, arity);

        var variable = batch.Meta(u.Variable);
        var value = u.Operands[^1];
        if (u.Kind == UpdateKind.Assign)
        {
            if (variable is { } v && v.DType != value.DType)
                return Invalid(step, $"{what}: the value is {value.DType.PythonName()} but the variable is {v.DType.PythonName()}.");
            if (variable is { } w && !w.Shape.Equals(value.Shape))
                return Invalid(step, $"Assign requires shapes of both tensors to match. lhs shape= {w.Shape.ToBracketString()} rhs shape= {value.Shape.ToBracketString()}");
            batch.Assign(u.Variable, value);
            return null;
        }
        if (variable is not { } current) return Uninitialized(step, u.Variable);
        bool arithmetic = u.Kind is UpdateKind.AssignAdd or UpdateKind.AssignSub;
        if (arithmetic ? !current.DType.IsNumeric() : !current.DType.IsFloating())
            return Invalid(step, $"{what}: {current.DType.PythonName()} variables cannot take this update.");

        for (int i = 0; i < layout.Operands.Length; i++)
            if (CheckInput(layout.Operands[i], u.Operands[i].DType, u.Operands[i].Shape, current, what, arithmetic) is { } bad)
                return Invalid(step, bad);
        for (int i = 0; i < layout.Slots.Length; i++)
        {
            if (batch.Meta(u.Slots[i]) is not { } slot) return Uninitialized(step, u.Slots[i]);
            if (CheckInput(layout.Slots[i], slot.DType, slot.Shape, current, what, arithmetic) is { } bad) return Invalid(step, bad);
        }
        return null;
    }

    private static string? CheckArity(WireUpdate u, Layout layout, string what)
    {
        if (u.Operands is null || u.Operands.Length != layout.Operands.Length)
            return $"{what} takes {layout.Operands.Length} operands ({Names(layout.Operands)}), got {u.Operands?.Length ?? 0}.";
        if (u.Slots is null || u.Slots.Length != layout.Slots.Length)
            return $"{what} takes {layout.Slots.Length} slots ({Names(layout.Slots)}), got {u.Slots?.Length ?? 0}.";
        for (int i = 0; i < u.Operands.Length; i++)
            if (u.Operands[i] is null) return $"{what}: operand {layout.Operands[i].Name} is missing.";
        for (int i = 0; i < u.Slots.Length; i++)
        {
            var slot = u.Slots[i];
            if (string.IsNullOrEmpty(slot)) return $"{what}: slot {layout.Slots[i].Name} names no variable.";
            if (slot == u.Variable || Array.IndexOf(u.Slots, slot) != i)
                return $"{what}: slot {layout.Slots[i].Name} names {slot}, which the update already writes.";
        }
        return null;
    }

    // TensorFlow's kernel texts (training_ops.cc, dense_update_ops.cc), then which update they refer to.
    private static string? CheckInput(Input input, DType dtype, Shape shape, (DType DType, Shape Shape) variable, string what, bool arithmetic)
    {
        if (dtype != variable.DType)
            return $"{what}: {input.Name} is {dtype.PythonName()} but the variable is {variable.DType.PythonName()}.";
        if (input.Scalar)
            return shape.Size == 1 ? null : $"{input.Name} is not a scalar: {shape.ToBracketString()} ({what})";
        if (shape.Equals(variable.Shape)) return null;
        return arithmetic
            ? $"Parameters and update must be the same size ({what}: {variable.Shape.ToBracketString()} and {shape.ToBracketString()})"
            : $"var and {input.Name} do not have the same shape{variable.Shape.ToBracketString()} {shape.ToBracketString()} ({what})";
    }

    private static string Names(Input[] inputs) => inputs.Length == 0 ? "none" : string.Join(", ", inputs.Select(i => i.Name));
}
