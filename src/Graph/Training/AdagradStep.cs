using System.Numerics;
using System.Runtime.InteropServices;

namespace ActorGraph.Training;

// ApplyAdagrad's element arithmetic, accum += g²; w −= lr·g / √accum, a vector of lanes at a time, then the tail one
// by one, in the scalar loop's operations and order (no fused multiply-add), so every lane gives its bits. Sparse
// Adagrad runs it per touched row: a click model's 16-float embedding rows are then two vectors each.
internal static class AdagradStep
{
    public static void Apply<T>(Span<T> value, Span<T> accum, ReadOnlySpan<T> grad, T lr) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (accum.Length < value.Length || grad.Length < value.Length)
            throw new ArgumentException($"Adagrad's accumulator ({accum.Length}) and gradient ({grad.Length}) must each have the variable's {value.Length} elements.");
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && value.Length >= Vector<T>.Count)
        {
            ref T w0 = ref MemoryMarshal.GetReference(value);
            ref T a0 = ref MemoryMarshal.GetReference(accum);
            ref T g0 = ref MemoryMarshal.GetReference(grad);
            Vector<T> rate = new(lr);
            for (; i <= value.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var g = Vector.LoadUnsafe(ref g0, (nuint)i);
                var a = Vector.LoadUnsafe(ref a0, (nuint)i) + g * g;
                var w = Vector.LoadUnsafe(ref w0, (nuint)i) - rate * g / Vector.SquareRoot(a);
                a.StoreUnsafe(ref a0, (nuint)i);
                w.StoreUnsafe(ref w0, (nuint)i);
            }
        }
        for (; i < value.Length; i++)
        {
            T g = grad[i];
            accum[i] += g * g;
            value[i] -= lr * g / T.Sqrt(accum[i]);
        }
    }
}
