using ActorGraph.Execution;

namespace ActorGraph.Training;

// Applies a variable write with its kind's arithmetic (UpdateKinds), shared by the in-process store, the parameter
// servers and the workers' replays so all give bit-identical results. Writes `value` and `slots` in place.
public static partial class UpdateRules
{
    // Returns the variable's new value: `current` updated in place where it already had one.
    public static NDArray Apply(UpdateKind kind, string variable, NDArray? current, NDArray?[] slots, NDArray[] operands)
    {
        var rule = UpdateKinds.Find(kind) ?? throw new InvalidArgumentException($"Unknown update {kind} for variable {variable}.");
        if (rule.Creates) return AssignInto(variable, current, operands[0]);
        if (current is null) throw new FailedPreconditionException($"Attempting to use uninitialized value {variable}");
        if (rule.IsSparse) return ApplySparse(rule, variable, current, slots, operands);
        var delta = operands[rule.Delta];
        if (!delta.Shape.Equals(current.Shape))
            throw new InvalidArgumentException($"{kind} of variable {variable}: the value has shape {delta.Shape} but the variable has shape {current.Shape}.");
        if (delta.DType != current.DType)
            throw new InvalidArgumentException($"{kind} of variable {variable}: the value is {delta.DType.PythonName()} but the variable is {current.DType.PythonName()}.");
        var inputs = new UpdateInputs(variable, slots, operands);
        switch (current.DType)
        {
            case DType.Float32 when rule.Float32 is { } arithmetic: arithmetic(current.Span<float>(), inputs); break;
            case DType.Float64 when rule.Float64 is { } arithmetic: arithmetic(current.Span<double>(), inputs); break;
            case DType.Int32 when rule.Int32 is { } arithmetic: arithmetic(current.Span<int>(), inputs); break;
            case DType.Int64 when rule.Int64 is { } arithmetic: arithmetic(current.Span<long>(), inputs); break;
            default: throw new InvalidArgumentException($"{kind} of variable {variable}: {current.DType.PythonName()} variables cannot take this update.");
        }
        return current;
    }

    private static NDArray AssignInto(string variable, NDArray? current, NDArray value)
    {
        if (current is not null && current.DType == value.DType && current.Shape.Equals(value.Shape) && value.DType != DType.String)
        {
            value.Bytes.CopyTo(current.Bytes);
            return current;
        }
        var copy = value.Copy();
        copy.OwnedBy(VariableStorage.Instance);
        return copy;
    }
}
