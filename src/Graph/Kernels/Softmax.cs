using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

// Row-wise softmax kernels over the last axis. Each row is shifted by its max before exp, so
// large logits do not overflow (TensorPrimitives.SoftMax does not shift).
public static class Softmax
{
    public static void Rows<T>(ReadOnlySpan<T> x, int cols, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (cols == 0) return;
        for (int start = 0; start < x.Length; start += cols)
        {
            var row = x.Slice(start, cols);
            var d = result.Slice(start, cols);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), d);
            TensorPrimitives.Exp(d, d);
            TensorPrimitives.Divide(d, TensorPrimitives.Sum<T>(d), d);
        }
    }

    // log softmax = x − max − log Σ exp(x − max).
    public static void LogRows<T>(ReadOnlySpan<T> x, int cols, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (cols == 0) return;
        for (int start = 0; start < x.Length; start += cols)
        {
            var row = x.Slice(start, cols);
            var d = result.Slice(start, cols);
            T max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, d);
            TensorPrimitives.Exp(d, d);
            T logSum = T.Log(TensorPrimitives.Sum<T>(d));
            TensorPrimitives.Subtract(row, max + logSum, d);
        }
    }

    // Per row, with z = logits − max: loss = Σ labels · (log Σ exp z − z), backprop = softmax − labels.
    public static void CrossEntropyRows<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> labels, int cols, Span<T> loss, Span<T> backprop)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (cols == 0)
        {
            loss.Clear();
            return;
        }
        for (int r = 0; r < loss.Length; r++)
        {
            var row = logits.Slice(r * cols, cols);
            var label = labels.Slice(r * cols, cols);
            var z = backprop.Slice(r * cols, cols);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), z);
            T labelDotZ = TensorPrimitives.Dot<T>(label, z);
            TensorPrimitives.Exp(z, z);
            T sum = TensorPrimitives.Sum<T>(z);
            loss[r] = T.Log(sum) * TensorPrimitives.Sum(label) - labelDotZ;
            TensorPrimitives.Divide(z, sum, z);
            TensorPrimitives.Subtract(z, label, z);
        }
    }

    // As CrossEntropyRows with one-hot labels given by their class: loss = log Σ exp z − z[label],
    // backprop = softmax − one_hot(label). Labels are already checked to be in [0, cols).
    public static void SparseCrossEntropyRows<T>(ReadOnlySpan<T> logits, ReadOnlySpan<long> labels, int cols, Span<T> loss, Span<T> backprop)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < loss.Length; r++)
        {
            var row = logits.Slice(r * cols, cols);
            var z = backprop.Slice(r * cols, cols);
            TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), z);
            int label = (int)labels[r];
            T labelZ = z[label];
            TensorPrimitives.Exp(z, z);
            T sum = TensorPrimitives.Sum<T>(z);
            loss[r] = T.Log(sum) - labelZ;
            TensorPrimitives.Divide(z, sum, z);
            z[label] -= T.One;
        }
    }
}
