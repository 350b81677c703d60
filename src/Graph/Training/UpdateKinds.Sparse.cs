using System.Numerics;
using System.Numerics.Tensors;
using ActorGraph.Execution;

namespace ActorGraph.Training;

// The sparse kinds: state_ops' scatters and the optimizers' updates of an IndexedSlices gradient. Each touches the
// rows its indices name and no other, so a shard applies it to a table of any size in time proportional to the rows.
public static partial class UpdateKinds
{
    private static UpdateInput SparseIndices => new("indices", OperandForm.Indices);

    // A property, not a field: All (in the other half of this class) reads it while the type initializes.
    private static UpdateRule[] SparseRules =>
    [
        new(UpdateKind.ScatterAdd, "ScatterAdd", UpdateFamily.Assignment, [SparseIndices, new("updates", OperandForm.Rows)], [],
            Gradient: null, Replayable: true)
        {
            SparseFloat32 = ScatterAdd<float>, SparseFloat64 = ScatterAdd<double>, SparseInt32 = ScatterAdd<int>, SparseInt64 = ScatterAdd<long>,
        },
        new(UpdateKind.ScatterSub, "ScatterSub", UpdateFamily.Assignment, [SparseIndices, new("updates", OperandForm.Rows)], [],
            Gradient: null, Replayable: true)
        {
            SparseFloat32 = ScatterSub<float>, SparseFloat64 = ScatterSub<double>, SparseInt32 = ScatterSub<int>, SparseInt64 = ScatterSub<long>,
        },
        new(UpdateKind.ScatterUpdate, "ScatterUpdate", UpdateFamily.Assignment, [SparseIndices, new("updates", OperandForm.Rows)], [],
            Gradient: null, Replayable: true)
        {
            SparseFloat32 = ScatterUpdate<float>, SparseFloat64 = ScatterUpdate<double>, SparseInt32 = ScatterUpdate<int>, SparseInt64 = ScatterUpdate<long>,
            SumsRepeatedIndices = false,
        },
        new(UpdateKind.SparseGradientDescent, "SparseApplyGradientDescent", UpdateFamily.Training,
            [new("alpha", OperandForm.Scalar), new("grad", OperandForm.Rows), SparseIndices], [], Gradient: 1, Replayable: true)
        {
            SparseFloat32 = SparseGradientDescent<float>, SparseFloat64 = SparseGradientDescent<double>,
        },
        new(UpdateKind.SparseMomentum, "SparseApplyMomentum", UpdateFamily.Training,
            [new("lr", OperandForm.Scalar), new("grad", OperandForm.Rows), SparseIndices, new("momentum", OperandForm.Scalar)], [new("accum")],
            Gradient: 1, Replayable: false)
        {
            SparseFloat32 = SparseMomentum<float>, SparseFloat64 = SparseMomentum<double>,
        },
        new(UpdateKind.SparseAdam, "SparseApplyAdam", UpdateFamily.Training,
            [new("lr", OperandForm.Scalar), new("beta1", OperandForm.Scalar), new("beta2", OperandForm.Scalar), new("epsilon", OperandForm.Scalar),
             new("grad", OperandForm.Rows), SparseIndices],
            [new("m"), new("v"), new("beta1_power", OperandForm.Scalar), new("beta2_power", OperandForm.Scalar)], Gradient: 4, Replayable: false)
        {
            SparseFloat32 = LazyAdam<float>, SparseFloat64 = LazyAdam<double>,
        },
        new(UpdateKind.SparseAdagrad, "SparseApplyAdagrad", UpdateFamily.Training,
            [new("lr", OperandForm.Scalar), new("grad", OperandForm.Rows), SparseIndices], [new("accum")], Gradient: 1, Replayable: false)
        {
            SparseFloat32 = SparseAdagrad<float>, SparseFloat64 = SparseAdagrad<double>,
        },
    ];

    private static void ScatterAdd<T>(Span<T> value, SparseInputs x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < x.Rows.Length; i++)
        {
            var row = x.Row(value, i);
            TensorPrimitives.Add<T>(row, x.Value<T>(i), row);
        }
    }

    private static void ScatterSub<T>(Span<T> value, SparseInputs x) where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < x.Rows.Length; i++)
        {
            var row = x.Row(value, i);
            TensorPrimitives.Subtract<T>(row, x.Value<T>(i), row);
        }
    }

    private static void ScatterUpdate<T>(Span<T> value, SparseInputs x) where T : unmanaged
    {
        for (int i = 0; i < x.Rows.Length; i++) x.Value<T>(i).CopyTo(x.Row(value, i));
    }

    private static void SparseGradientDescent<T>(Span<T> value, SparseInputs x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T step = -x.Scalar<T>(0);
        ReadOnlySpan<long> rows = x.Rows;
        ReadOnlySpan<T> grads = x.Values<T>();
        int n = x.RowLength;
        // Per-id weights (rows of one element) are most of a wide model's rows: no call per element for them.
        if (n == 1)
        {
            for (int i = 0; i < rows.Length; i++) value[(int)rows[i]] += grads[i] * step;
            return;
        }
        for (int i = 0; i < rows.Length; i++)
        {
            Kernels.RowPrefetch.Ahead<T>(value, rows, i, n);
            var row = value.Slice((int)rows[i] * n, n);
            TensorPrimitives.MultiplyAdd<T>(grads.Slice(i * n, n), step, row, row);
        }
    }

    // TensorFlow's SparseApplyMomentum: accum = accum · momentum + grad; value -= lr · accum, on the touched rows.
    private static void SparseMomentum<T>(Span<T> value, SparseInputs x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var accum = x.Slot<T>(0);
        T lr = x.Scalar<T>(0), momentum = x.Scalar<T>(3);
        ReadOnlySpan<long> rows = x.Rows;
        ReadOnlySpan<T> grads = x.Values<T>();
        int n = x.RowLength;
        for (int i = 0; i < rows.Length; i++)
        {
            Kernels.RowPrefetch.Ahead<T>(value, rows, i, n);
            Kernels.RowPrefetch.Ahead<T>(accum, rows, i, n);
            Span<T> row = x.Row(value, i), a = x.Row(accum, i);
            TensorPrimitives.MultiplyAdd<T>(a, momentum, grads.Slice(i * n, n), a);
            TensorPrimitives.MultiplyAdd<T>(a, -lr, row, row);
        }
    }

    // Lazy Adam: only the touched rows' moments move (TensorFlow 1's Adam decays every row's, touched or not); the
    // bias corrections advance once per update, as the dense kind's.
    private static void LazyAdam<T>(Span<T> value, SparseInputs x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> m = x.Slot<T>(0), v = x.Slot<T>(1), beta1Power = x.Slot<T>(2), beta2Power = x.Slot<T>(3);
        T lr = x.Scalar<T>(0), beta1 = x.Scalar<T>(1), beta2 = x.Scalar<T>(2), epsilon = x.Scalar<T>(3);
        T one = T.One;
        T lrT = lr * T.Sqrt(one - beta2Power[0]) / (one - beta1Power[0]);
        ReadOnlySpan<long> rows = x.Rows;
        ReadOnlySpan<T> grads = x.Values<T>();
        int n = x.RowLength;
        for (int i = 0; i < rows.Length; i++)
        {
            Kernels.RowPrefetch.Ahead<T>(value, rows, i, n);
            Kernels.RowPrefetch.Ahead<T>(m, rows, i, n);
            Kernels.RowPrefetch.Ahead<T>(v, rows, i, n);
            AdamStep.Apply(x.Row(value, i), x.Row(m, i), x.Row(v, i), grads.Slice(i * n, n), lrT, beta1, beta2, epsilon);
        }
        beta1Power[0] *= beta1;
        beta2Power[0] *= beta2;
    }

    private static void SparseAdagrad<T>(Span<T> value, SparseInputs x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var accum = x.Slot<T>(0);
        T lr = x.Scalar<T>(0);
        ReadOnlySpan<long> rows = x.Rows;
        ReadOnlySpan<T> grads = x.Values<T>();
        int n = x.RowLength;
        for (int i = 0; i < rows.Length; i++)
        {
            Kernels.RowPrefetch.Ahead<T>(value, rows, i, n);
            Kernels.RowPrefetch.Ahead<T>(accum, rows, i, n);
            AdagradStep.Apply(x.Row(value, i), x.Row(accum, i), grads.Slice(i * n, n), lr);
        }
    }
}
