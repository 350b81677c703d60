using System.Numerics;
using System.Runtime.InteropServices;

namespace ActorGraph.Training;

// ApplyAdam's element arithmetic, m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= lrT·m / (√v + ε), a
// vector of lanes at a time, then the tail one by one. The operations and their order are the scalar loop's
// (no fused multiply-add), so every lane gives the scalar loop's bits. One by one, the square root and the
// division per weight make the update of the CNN's 3.2M-weight dense kernel a tenth of its training step.
internal static class AdamStep
{
    public static void Apply<T>(Span<T> value, Span<T> m, Span<T> v, ReadOnlySpan<T> grad, T lrT, T beta1, T beta2, T epsilon)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m.Length < value.Length || v.Length < value.Length || grad.Length < value.Length)
            throw new ArgumentException($"Adam's slots m ({m.Length}), v ({v.Length}) and gradient ({grad.Length}) must each have the variable's {value.Length} elements.");
        T keep1 = T.One - beta1, keep2 = T.One - beta2;
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && value.Length >= Vector<T>.Count)
        {
            ref T w0 = ref MemoryMarshal.GetReference(value);
            ref T m0 = ref MemoryMarshal.GetReference(m);
            ref T v0 = ref MemoryMarshal.GetReference(v);
            ref T g0 = ref MemoryMarshal.GetReference(grad);
            Vector<T> k1 = new(keep1), k2 = new(keep2), lr = new(lrT), eps = new(epsilon);
            for (; i <= value.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var g = Vector.LoadUnsafe(ref g0, (nuint)i);
                var mi = Vector.LoadUnsafe(ref m0, (nuint)i);
                var vi = Vector.LoadUnsafe(ref v0, (nuint)i);
                mi += (g - mi) * k1;
                vi += (g * g - vi) * k2;
                var wi = Vector.LoadUnsafe(ref w0, (nuint)i) - lr * mi / (Vector.SquareRoot(vi) + eps);
                mi.StoreUnsafe(ref m0, (nuint)i);
                vi.StoreUnsafe(ref v0, (nuint)i);
                wi.StoreUnsafe(ref w0, (nuint)i);
            }
        }
        for (; i < value.Length; i++)
        {
            T g = grad[i];
            m[i] += (g - m[i]) * keep1;
            v[i] += (g * g - v[i]) * keep2;
            value[i] -= lrT * m[i] / (T.Sqrt(v[i]) + epsilon);
        }
    }
}
