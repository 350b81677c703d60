using System.Numerics;
using System.Numerics.Tensors;
using ActorGraph.Execution;

namespace ActorGraph.Training;

// Every kind of variable write, declared once: its op, its inputs, its gradient, whether a worker may replay it,
// and its arithmetic. The ops (StateOps, TrainingOps), the checks of a parameter server, replica averaging and
// held-copy replays all read this table; a new optimizer's update is one entry here.
public static partial class UpdateKinds
{
    private static readonly UpdateInput Value = new("value");

    public static IReadOnlyList<UpdateRule> All { get; } =
    [
        new(UpdateKind.Assign, "Assign", UpdateFamily.Assignment, [Value], [], Gradient: null, Replayable: true) { Creates = true },
        new(UpdateKind.AssignAdd, "AssignAdd", UpdateFamily.Assignment, [Value], [], Gradient: null, Replayable: true,
            Add<float>, Add<double>, Add<int>, Add<long>),
        new(UpdateKind.AssignSub, "AssignSub", UpdateFamily.Assignment, [Value], [], Gradient: null, Replayable: true,
            Subtract<float>, Subtract<double>, Subtract<int>, Subtract<long>),
        new(UpdateKind.GradientDescent, "ApplyGradientDescent", UpdateFamily.Training,
            [new("alpha", OperandForm.Scalar), new("delta")], [], Gradient: 1, Replayable: true,
            GradientDescent<float>, GradientDescent<double>),
        new(UpdateKind.Momentum, "ApplyMomentum", UpdateFamily.Training,
            [new("lr", OperandForm.Scalar), new("grad"), new("momentum", OperandForm.Scalar)], [new("accum")], Gradient: 1, Replayable: false,
            Momentum<float>, Momentum<double>),
        new(UpdateKind.Adam, "ApplyAdam", UpdateFamily.Training,
            [new("lr", OperandForm.Scalar), new("beta1", OperandForm.Scalar), new("beta2", OperandForm.Scalar), new("epsilon", OperandForm.Scalar), new("grad")],
            [new("m"), new("v"), new("beta1_power", OperandForm.Scalar), new("beta2_power", OperandForm.Scalar)], Gradient: 4, Replayable: false,
            Adam<float>, Adam<double>),
        .. SparseRules,
        new(UpdateKind.Adagrad, "ApplyAdagrad", UpdateFamily.Training,
            [new("lr", OperandForm.Scalar), new("grad")], [new("accum")], Gradient: 1, Replayable: false,
            Adagrad<float>, Adagrad<double>),
    ];

    // By (int)kind: a kind's rule is an array read, not a lookup.
    private static readonly UpdateRule?[] ByKind = Index(All);

    // Null for a kind this build does not know (a newer peer's, or a corrupt message).
    public static UpdateRule? Find(UpdateKind kind) => (uint)kind < (uint)ByKind.Length ? ByKind[(int)kind] : null;

    public static UpdateRule Of(UpdateKind kind) =>
        Find(kind) ?? throw new InvalidArgumentException($"Unknown update kind {(int)kind}: this build knows {string.Join(", ", All.Select(r => r.Kind))}.");

    private static UpdateRule?[] Index(IReadOnlyList<UpdateRule> rules)
    {
        var byKind = new UpdateRule?[rules.Max(r => (int)r.Kind) + 1];
        foreach (var rule in rules)
        {
            if (byKind[(int)rule.Kind] is not null) throw new InvalidOperationException($"Update kind {rule.Kind} is declared twice.");
            if (rule.Gradient is { } g && (g < 0 || g >= rule.Operands.Length || rule.Operands[g].Scalar))
                throw new InvalidOperationException($"Update kind {rule.Kind}: its gradient must be one of its tensor operands.");
            if (rule.Replayable && rule.Slots.Length > 0)
                throw new InvalidOperationException($"Update kind {rule.Kind} has slots, which live on the parameter server only, so a worker cannot replay it.");
            byKind[(int)rule.Kind] = rule;
        }
        return byKind;
    }

    private static void Add<T>(Span<T> value, UpdateInputs x) where T : unmanaged, INumber<T> =>
        TensorPrimitives.Add<T>(value, x.Tensor<T>(0), value);

    private static void Subtract<T>(Span<T> value, UpdateInputs x) where T : unmanaged, INumber<T> =>
        TensorPrimitives.Subtract<T>(value, x.Tensor<T>(0), value);

    private static void GradientDescent<T>(Span<T> value, UpdateInputs x) where T : unmanaged, IFloatingPointIeee754<T> =>
        TensorPrimitives.MultiplyAdd<T>(x.Tensor<T>(1), -x.Scalar<T>(0), value, value);

    private static void Momentum<T>(Span<T> value, UpdateInputs x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var accum = x.Slot<T>(0);
        TensorPrimitives.MultiplyAdd<T>(accum, x.Scalar<T>(2), x.Tensor<T>(1), accum);
        TensorPrimitives.MultiplyAdd<T>(accum, -x.Scalar<T>(0), value, value);
    }

    // TensorFlow's ApplyAdam, with the beta powers kept per variable and advanced after use.
    private static void Adam<T>(Span<T> value, UpdateInputs x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> m = x.Slot<T>(0), v = x.Slot<T>(1), beta1Power = x.Slot<T>(2), beta2Power = x.Slot<T>(3);
        T lr = x.Scalar<T>(0), beta1 = x.Scalar<T>(1), beta2 = x.Scalar<T>(2), epsilon = x.Scalar<T>(3);
        var grad = x.Tensor<T>(4);
        T one = T.One;
        T lrT = lr * T.Sqrt(one - beta2Power[0]) / (one - beta1Power[0]);
        AdamStep.Apply(value, m, v, grad, lrT, beta1, beta2, epsilon);
        beta1Power[0] *= beta1;
        beta2Power[0] *= beta2;
    }

    // TensorFlow's ApplyAdagrad: accum += grad²; value -= lr · grad / √accum.
    private static void Adagrad<T>(Span<T> value, UpdateInputs x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var accum = x.Slot<T>(0);
        AdagradStep.Apply(value, accum, x.Tensor<T>(1), x.Scalar<T>(0));
    }
}
