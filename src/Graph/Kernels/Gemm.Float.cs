using System.Buffers;

namespace ActorGraph.Kernels;

// GotoBLAS/BLIS loop nest: jc (NC columns of B) → pc (KC deep: pack B into a KC×NC panel that lives in L2/L3)
// → ic (MC rows: pack A into an MC×KC block that lives in L2) → jr (NR) → ir (MR) → micro-kernel,
// so one KC×NR sliver of B stays in L1 while the A block streams past it.
public static unsafe partial class Gemm
{
    internal static int KC = 256;
    internal static int MC = 72;
    internal static int NC = 4080;

    static void MultiplyFloat(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB,
        float* c, int ldc, bool accumulate, int threads)
    {
        if (threads <= 1)
        {
            Blocked(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate);
            return;
        }
        // Split the wider of m and n: each thread re-packs the whole of the other operand, so this keeps
        // the duplicated packing to the smaller one.
        bool splitN = n >= m;
        int dim = splitN ? n : m, unit = splitN ? NR : MR;
        int chunk = RoundUp((dim + threads - 1) / threads, unit);
        int parts = (dim + chunk - 1) / chunk;
        if (parts <= 1)
        {
            Blocked(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate);
            return;
        }
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, t =>
        {
            int start = t * chunk, size = Math.Min(chunk, dim - start);
            float* ta = (float*)pa, tb = (float*)pb, tc = (float*)pc;
            if (splitN)
            {
                tb += transB ? (long)start * ldb : start;
                Blocked(m, size, k, ta, lda, transA, tb, ldb, transB, tc + start, ldc, accumulate);
            }
            else
            {
                ta += transA ? start : (long)start * lda;
                Blocked(size, n, k, ta, lda, transA, tb, ldb, transB, tc + (long)start * ldc, ldc, accumulate);
            }
        });
    }

    static void Blocked(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB,
        float* c, int ldc, bool accumulate, bool portable = false)
    {
        int kcMax = Math.Min(KC, k), mcMax = Math.Min(MC, RoundUp(m, MR)), ncMax = Math.Min(NC, RoundUp(n, NR));
        // 16 spare floats let the panels start on a 64-byte line whatever address the pool hands out.
        float[] bufA = ArrayPool<float>.Shared.Rent(mcMax * kcMax + 16);
        float[] bufB = ArrayPool<float>.Shared.Rent(kcMax * ncMax + 16);
        try
        {
            fixed (float* rawA = bufA, rawB = bufB)
            {
                float* packedA = AlignTo64(rawA), packedB = AlignTo64(rawB);
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = Math.Min(NC, n - jc);
                    for (int pc = 0; pc < k; pc += KC)
                    {
                        int kc = Math.Min(KC, k - pc);
                        float* bBlock = transB ? b + (long)jc * ldb + pc : b + (long)pc * ldb + jc;
                        PackB(kc, nc, bBlock, ldb, transB, packedB);
                        bool load = accumulate || pc > 0;
                        for (int ic = 0; ic < m; ic += MC)
                        {
                            int mc = Math.Min(MC, m - ic);
                            float* aBlock = transA ? a + (long)pc * lda + ic : a + (long)ic * lda + pc;
                            PackA(mc, kc, aBlock, lda, transA, packedA);
                            MacroKernel(mc, nc, kc, packedA, packedB, c + (long)ic * ldc + jc, ldc, load, portable);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(bufA);
            ArrayPool<float>.Shared.Return(bufB);
        }
    }

    static void MacroKernel(int mc, int nc, int kc, float* packedA, float* packedB, float* c, int ldc, bool load, bool portable)
    {
        bool fma = s_useFma && !portable;
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bPanel = packedB + (long)jr * kc;
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* aPanel = packedA + (long)ir * kc, cTile = c + (long)ir * ldc + jr;
                if (!fma)
                    KernelPortable(kc, aPanel, bPanel, cTile, ldc, mr, nr, load);
                else if (mr == MR && nr == NR)
                    KernelFma(kc, aPanel, 1, MR, bPanel, NR, cTile, ldc, load);
                else
                    KernelEdge(kc, aPanel, 1, MR, bPanel, NR, cTile, ldc, mr, nr, load);
            }
        }
    }

    static float* AlignTo64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
