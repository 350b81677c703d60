using System.Numerics;
using System.Numerics.Tensors;
using ActorGraph.Execution;

namespace ActorGraph.Training;

// The arithmetic of every variable write, shared by the in-process store and the parameter
// servers so both give bit-identical results. Writes `value` and `slots` in place.
public static class UpdateRules
{
    // Returns the variable's new value: `current` updated in place where it already had one.
    public static NDArray Apply(UpdateKind kind, string variable, NDArray? current, NDArray?[] slots, NDArray[] operands)
    {
        if (kind == UpdateKind.Assign) return AssignInto(variable, current, operands[0]);
        if (current is null) throw new FailedPreconditionException($"Attempting to use uninitialized value {variable}");
        var delta = operands[kind is UpdateKind.Assign or UpdateKind.AssignAdd or UpdateKind.AssignSub ? 0 : Grad(kind)];
        if (!delta.Shape.Equals(current.Shape))
            throw new InvalidArgumentException($"{kind} of variable {variable}: the value has shape {delta.Shape} but the variable has shape {current.Shape}.");
        if (delta.DType != current.DType)
            throw new InvalidArgumentException($"{kind} of variable {variable}: the value is {delta.DType.PythonName()} but the variable is {current.DType.PythonName()}.");
        switch (current.DType)
        {
            case DType.Float32: Update<float>(kind, variable, current, slots, operands); break;
            case DType.Float64: Update<double>(kind, variable, current, slots, operands); break;
            case DType.Int32 when kind is UpdateKind.AssignAdd or UpdateKind.AssignSub: AddInt<int>(kind, current, delta); break;
            case DType.Int64 when kind is UpdateKind.AssignAdd or UpdateKind.AssignSub: AddInt<long>(kind, current, delta); break;
            default: throw new InvalidArgumentException($"{kind} of variable {variable}: {current.DType.PythonName()} variables cannot take this update.");
        }
        return current;
    }

    private static int Grad(UpdateKind kind) => kind switch
    {
        UpdateKind.Adam => 4,
        _ => 1,
    };

    private static NDArray AssignInto(string variable, NDArray? current, NDArray value)
    {
        if (current is not null && current.DType == value.DType && current.Shape.Equals(value.Shape) && value.DType != DType.String)
        {
            value.Bytes.CopyTo(current.Bytes);
            return current;
        }
        var copy = value.Copy();
        copy.Owner = VariableStorage.Instance;
        return copy;
    }

    private static void AddInt<T>(UpdateKind kind, NDArray current, NDArray delta) where T : unmanaged, IBinaryInteger<T>
    {
        if (kind == UpdateKind.AssignAdd) TensorPrimitives.Add<T>(current.Span<T>(), delta.Span<T>(), current.Span<T>());
        else TensorPrimitives.Subtract<T>(current.Span<T>(), delta.Span<T>(), current.Span<T>());
    }

    private static void Update<T>(UpdateKind kind, string variable, NDArray current, NDArray?[] slots, NDArray[] operands)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var value = current.Span<T>();
        T Scalar(int i) => operands[i].Span<T>()[0];
        Span<T> Slot(int i) => (slots[i] ?? throw new FailedPreconditionException(
            $"Attempting to use uninitialized value of an optimizer slot of {variable}; run TF.GlobalVariablesInitializer() after creating the optimizer's Minimize op.")).Span<T>();
        switch (kind)
        {
            case UpdateKind.AssignAdd:
                TensorPrimitives.Add<T>(value, operands[0].Span<T>(), value);
                break;
            case UpdateKind.AssignSub:
                TensorPrimitives.Subtract<T>(value, operands[0].Span<T>(), value);
                break;
            case UpdateKind.GradientDescent:
                TensorPrimitives.MultiplyAdd<T>(operands[1].Span<T>(), -Scalar(0), value, value);
                break;
            case UpdateKind.Momentum:
            {
                var accum = Slot(0);
                TensorPrimitives.MultiplyAdd<T>(accum, Scalar(2), operands[1].Span<T>(), accum);
                TensorPrimitives.MultiplyAdd<T>(accum, -Scalar(0), value, value);
                break;
            }
            case UpdateKind.Adam:
                Adam(value, Slot(0), Slot(1), Slot(2), Slot(3), Scalar(0), Scalar(1), Scalar(2), Scalar(3), operands[4].Span<T>());
                break;
            default:
                throw new InvalidArgumentException($"Unknown update {kind} for variable {variable}.");
        }
    }

    // TensorFlow's ApplyAdam, with the beta powers kept per variable and advanced after use.
    private static void Adam<T>(Span<T> value, Span<T> m, Span<T> v, Span<T> beta1Power, Span<T> beta2Power,
        T lr, T beta1, T beta2, T epsilon, ReadOnlySpan<T> grad) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T one = T.One;
        T lrT = lr * T.Sqrt(one - beta2Power[0]) / (one - beta1Power[0]);
        for (int i = 0; i < value.Length; i++)
        {
            T g = grad[i];
            m[i] += (g - m[i]) * (one - beta1);
            v[i] += (g * g - v[i]) * (one - beta2);
            value[i] -= lrT * m[i] / (T.Sqrt(v[i]) + epsilon);
        }
        beta1Power[0] *= beta1;
        beta2Power[0] *= beta2;
    }
}
