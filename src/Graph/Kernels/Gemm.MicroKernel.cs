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

    // Full MR×NR tile: C (=|+=) A·B with A(i,p) at a[i*rsA + p*csA] and the NR floats of B's row p at b + p*rsB.
    // Packed panels are rsA = 1, csA = MR, rsB = NR; the strides also let a skinny product read A or B in place.
    static void KernelFma(int kc, float* a, nint rsA, nint csA, float* b, nint rsB, float* c, int ldc, bool load)
    {
        nint r1 = rsA, r2 = 2 * rsA, r3 = 3 * rsA, r4 = 4 * rsA, r5 = 5 * rsA;
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 8);
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
        StoreRow(c, c00, c01, load);
        StoreRow(c + ldc, c10, c11, load);
        StoreRow(c + 2 * ldc, c20, c21, load);
        StoreRow(c + 3 * ldc, c30, c31, load);
        StoreRow(c + 4 * ldc, c40, c41, load);
        StoreRow(c + 5 * ldc, c50, c51, load);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(float* c, Vector256<float> x0, Vector256<float> x1, bool load)
    {
        if (load)
        {
            x0 = Avx.Add(x0, Avx.LoadVector256(c));
            x1 = Avx.Add(x1, Avx.LoadVector256(c + 8));
        }
        Avx.Store(c, x0);
        Avx.Store(c + 8, x1);
    }

    // Edge tiles (mr < MR or nr < NR) run the full kernel into a scratch tile: the packed panels are
    // zero-padded, so the extra lanes are harmless, and only the valid corner is copied out.
    [SkipLocalsInit]
    static void KernelEdge(int kc, float* a, nint rsA, nint csA, float* b, nint rsB, float* c, int ldc, int mr, int nr, bool load)
    {
        float* tile = stackalloc float[MR * NR];
        KernelFma(kc, a, rsA, csA, b, rsB, tile, NR, false);
        CopyOut(tile, c, ldc, mr, nr, load);
    }

    static void CopyOut(float* tile, float* c, int ldc, int mr, int nr, bool load)
    {
        for (int i = 0; i < mr; i++)
        {
            float* src = tile + i * NR, dst = c + (long)i * ldc;
            if (load)
                for (int j = 0; j < nr; j++)
                    dst[j] += src[j];
            else
                for (int j = 0; j < nr; j++)
                    dst[j] = src[j];
        }
    }

    // For CPUs without AVX2+FMA: same packed layout, Vector<float> multiply-then-add, any edge.
    internal static void KernelPortable(int kc, float* a, nint rsA, nint csA, float* b, nint rsB, float* c, int ldc, int mr, int nr, bool load)
    {
        int w = Vector<float>.Count, perRow = NR / w;
        var acc = stackalloc Vector<float>[MR * NR / w];
        for (int i = 0; i < MR * perRow; i++)
            acc[i] = Vector<float>.Zero;
        for (int p = 0; p < kc; p++, a += csA, b += rsB)
        {
            for (int i = 0; i < MR; i++)
            {
                var ai = new Vector<float>(a[i * rsA]);
                for (int v = 0; v < perRow; v++)
                    acc[i * perRow + v] += ai * Unsafe.ReadUnaligned<Vector<float>>(b + v * w);
            }
        }
        CopyOut((float*)acc, c, ldc, mr, nr, load);
    }
}
