using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorGraph.Kernels;

public static unsafe partial class Gemm
{
    // 6×16 keeps 12 accumulators + 2 B vectors + 1 broadcast in the 16 ymm registers AVX2 has,
    // and 12 FMAs per 8 loads leaves the two FMA ports, not the load ports, as the limit.
    const int MR = 6;
    const int NR = 16;

    static readonly bool s_useFma = Fma.IsSupported && Avx2.IsSupported;

    // C (=|+=) A·B for one tile of up to MR×NR: A(i,p) at a[i*rsA + p*csA], the NR floats of B's row p at b + p*rsB.
    // Packed panels are rsA = 1, csA = MR, rsB = NR; other strides read a skinny operand in place.
    // TB says how to read B (whole vectors, or masked to nr columns when B is read in place at its right edge),
    // TC how to write C (whole tile, or masked to mr×nr). Each instantiation is compiled separately, so the
    // full tile pays nothing for the edge handling.
    static void Kernel<TB, TC>(int kc, float* a, nint rsA, nint csA, int mr, float* b, nint rsB, int nr,
        float* c, int ldc, bool load) where TB : struct, IAccess where TC : struct, IAccess
    {
        // Rows past mr re-read the last real row: computed, never stored, and never outside A.
        int last = mr - 1;
        nint r1 = Math.Min(1, last) * rsA, r2 = Math.Min(2, last) * rsA, r3 = Math.Min(3, last) * rsA;
        nint r4 = Math.Min(4, last) * rsA, r5 = Math.Min(5, last) * rsA;
        var lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        var m0 = Avx2.CompareGreaterThan(Vector256.Create(nr), lane).AsSingle();
        var m1 = Avx2.CompareGreaterThan(Vector256.Create(nr - 8), lane).AsSingle();
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = TB.Load(b, m0);
            var b1 = TB.Load(b + 8, m1);
            var ai = Avx.BroadcastScalarToVector256(a);
            c00 = Fma.MultiplyAdd(ai, b0, c00);
            c01 = Fma.MultiplyAdd(ai, b1, c01);
            ai = Avx.BroadcastScalarToVector256(a + r1);
            c10 = Fma.MultiplyAdd(ai, b0, c10);
            c11 = Fma.MultiplyAdd(ai, b1, c11);
            ai = Avx.BroadcastScalarToVector256(a + r2);
            c20 = Fma.MultiplyAdd(ai, b0, c20);
            c21 = Fma.MultiplyAdd(ai, b1, c21);
            ai = Avx.BroadcastScalarToVector256(a + r3);
            c30 = Fma.MultiplyAdd(ai, b0, c30);
            c31 = Fma.MultiplyAdd(ai, b1, c31);
            ai = Avx.BroadcastScalarToVector256(a + r4);
            c40 = Fma.MultiplyAdd(ai, b0, c40);
            c41 = Fma.MultiplyAdd(ai, b1, c41);
            ai = Avx.BroadcastScalarToVector256(a + r5);
            c50 = Fma.MultiplyAdd(ai, b0, c50);
            c51 = Fma.MultiplyAdd(ai, b1, c51);
            a += csA;
            b += rsB;
        }
        StoreRow<TC>(c, c00, c01, m0, m1, nr, load);
        if (mr > 1)
            StoreRow<TC>(c + ldc, c10, c11, m0, m1, nr, load);
        if (mr > 2)
            StoreRow<TC>(c + 2 * ldc, c20, c21, m0, m1, nr, load);
        if (mr > 3)
            StoreRow<TC>(c + 3 * ldc, c30, c31, m0, m1, nr, load);
        if (mr > 4)
            StoreRow<TC>(c + 4 * ldc, c40, c41, m0, m1, nr, load);
        if (mr > 5)
            StoreRow<TC>(c + 5 * ldc, c50, c51, m0, m1, nr, load);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<TC>(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> m0, Vector256<float> m1, int nr, bool load)
        where TC : struct, IAccess
    {
        // Masked stores are slow on AMD cores (and the loads not free), so only the vector the edge cuts is masked.
        if (typeof(TC) == typeof(Masked) && nr >= 8)
        {
            if (load)
                x0 = Avx.Add(x0, Avx.LoadVector256(c));
            Avx.Store(c, x0);
            if (nr > 8)
            {
                if (load)
                    x1 = Avx.Add(x1, TC.Load(c + 8, m1));
                TC.Store(c + 8, x1, m1);
            }
            return;
        }
        if (load)
        {
            x0 = Avx.Add(x0, TC.Load(c, m0));
            if (typeof(TC) == typeof(Whole))
                x1 = Avx.Add(x1, TC.Load(c + 8, m1));
        }
        TC.Store(c, x0, m0);
        if (typeof(TC) == typeof(Whole))
            TC.Store(c + 8, x1, m1);
    }

    interface IAccess
    {
        static abstract Vector256<float> Load(float* p, Vector256<float> mask);
        static abstract void Store(float* p, Vector256<float> value, Vector256<float> mask);
    }

    struct Whole : IAccess
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* p, Vector256<float> mask) => Avx.LoadVector256(p);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* p, Vector256<float> value, Vector256<float> mask) => Avx.Store(p, value);
    }

    // Masked-off lanes are neither read nor written, and cannot fault, so a tile may end exactly at the end of memory.
    struct Masked : IAccess
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* p, Vector256<float> mask) => Avx.MaskLoad(p, mask);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(float* p, Vector256<float> value, Vector256<float> mask) => Avx.MaskStore(p, mask, value);
    }

    // For CPUs without AVX2+FMA: multiply-then-add, Vector<float> across full panels, scalar at the edges,
    // touching only rows < mr and columns < nr like the masked kernel.
    [SkipLocalsInit]
    internal static void KernelPortable(int kc, float* a, nint rsA, nint csA, int mr, float* b, nint rsB, int nr,
        float* c, int ldc, bool load)
    {
        float* acc = stackalloc float[MR * NR];
        new Span<float>(acc, MR * NR).Clear();
        int w = Vector<float>.Count;
        for (int p = 0; p < kc; p++, a += csA, b += rsB)
        {
            for (int i = 0; i < mr; i++)
            {
                float ai = a[i * rsA];
                float* row = acc + i * NR;
                int j = 0;
                if (nr == NR)
                    for (; j < NR; j += w)
                        Unsafe.WriteUnaligned(row + j, Unsafe.ReadUnaligned<Vector<float>>(row + j) + new Vector<float>(ai) * Unsafe.ReadUnaligned<Vector<float>>(b + j));
                for (; j < nr; j++)
                    row[j] += ai * b[j];
            }
        }
        for (int i = 0; i < mr; i++)
        {
            float* src = acc + i * NR, dst = c + (long)i * ldc;
            for (int j = 0; j < nr; j++)
                dst[j] = load ? dst[j] + src[j] : src[j];
        }
    }
}
