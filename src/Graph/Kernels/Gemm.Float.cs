using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorGraph.Kernels;

// GotoBLAS/BLIS loop nest: jc (NC columns of B) → pc (KC deep: pack B into a KC×NC panel that lives in L2/L3)
// → ic (MC rows: pack A into an MC×KC block that lives in L2) → jr (NR) → ir (MR) → micro-kernel,
// so one KC×NR sliver of B stays in L1 while the A block streams past it.
public static unsafe partial class Gemm
{
    // Tunable from the gemm bench (--kc/--mc/--nc); MC must stay a multiple of MR and NC of NR.
    // Measured on Zen 4 (32 KiB L1d, 1 MiB L2): KC = 512 beat 256 by ~8% at 1024³ and ~12% at 3000³ because C is
    // re-read from L3 once per KC slice; a 512×16 B sliver (32 KiB) still streams well from L2. MC from 48 to 144
    // was within noise. NC = 2048 (a 4 MiB B panel) beat 4080 at 3000³ and halves the per-thread scratch.
    internal static int KC = 512;
    internal static int MC = 72;
    internal static int NC = 2048;

    // Packing pays only when the packed copy is reused enough. A block is reused once per NR-wide column panel:
    // reading A in place measured as fast as packing up to n ≈ 100 and within noise beyond, so A is packed from
    // n = 128 on. A B sliver is reused once per MR rows: in place was ~20% faster at m = 18, packing ~10-30% faster
    // from m = 36 on.
    internal static int PackAMinN = 8 * NR;
    internal static int PackBMinM = 4 * MR;

    // One pinned scratch array per thread: no per-call allocation or pool round trip, stable 64-byte-aligned addresses.
    [ThreadStatic] static float[]? t_scratch;

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
        // One chunk per thread: finer chunks (measured 2 and 4 per thread) re-pack the shared operand more often
        // and cost more in fork-join overhead than they win back in balance.
        int chunk = RoundUp((dim + threads - 1) / threads, unit);
        int parts = (dim + chunk - 1) / chunk;
        if (parts <= 1)
            Blocked(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate);
        else
            Split(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, splitN, chunk, parts);
    }

    // Apart from MultiplyFloat because the lambda's closure captures parameters, and C# allocates it on entry
    // to the method that owns them: here only products that really split pay for it.
    static void Split(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB,
        float* c, int ldc, bool accumulate, bool splitN, int chunk, int parts)
    {
        int dim = splitN ? n : m;
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        ComputeThreads.For(parts, t =>
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
        bool packA = n >= PackAMinN, packB = transB || m >= PackBMinM;
        float* packedA = Scratch(mcMax * kcMax + ncMax * kcMax + 16);
        float* packedB = AlignTo64(packedA + mcMax * kcMax);
        nint rsA = transA ? 1 : lda, csA = transA ? lda : 1;
        for (int jc = 0; jc < n; jc += NC)
        {
            int nc = Math.Min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);
                float* bBlock = transB ? b + (long)jc * ldb + pc : b + (long)pc * ldb + jc;
                var bPanels = new Panels(bBlock, NR, 1, ldb);
                if (packB)
                {
                    PackB(kc, nc, bBlock, ldb, transB, packedB);
                    bPanels = Panels.Packed(packedB, NR, kc);
                }
                bool load = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += MC)
                {
                    int mc = Math.Min(MC, m - ic);
                    float* aBlock = a + ic * rsA + pc * csA;
                    var aPanels = new Panels(aBlock, MR * rsA, rsA, csA);
                    if (packA)
                    {
                        PackA(mc, kc, aBlock, lda, transA, packedA);
                        aPanels = Panels.Packed(packedA, MR, kc);
                    }
                    MacroKernel(mc, nc, kc, aPanels, bPanels, c + (long)ic * ldc + jc, ldc, load, portable);
                }
            }
        }
    }

    // Where the micro-panels of a block are: packed one after another, or in place in the caller's matrix,
    // step apart, with element strides across (between the rows of an A panel) and along (between k steps).
    // Packed panels are zero-padded to full width, so whole vectors can be read past the last real column.
    readonly struct Panels(float* origin, nint step, nint across, nint along, bool padded = false)
    {
        public static Panels Packed(float* origin, int width, int kc) => new(origin, width * kc, 1, width, true);

        public bool Padded => padded;
        public nint Across => across;
        public nint Along => along;

        public float* At(int index) => origin + index * step;
    }

    static void MacroKernel(int mc, int nc, int kc, Panels aPanels, Panels bPanels, float* c, int ldc, bool load, bool portable)
    {
        bool fma = s_useFma && !portable;
        for (int jr = 0; jr < nc; jr += NR)
        {
            int nr = Math.Min(NR, nc - jr);
            float* bPanel = bPanels.At(jr / NR);
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* aPanel = aPanels.At(ir / MR), cTile = c + (long)ir * ldc + jr;
                if (!fma)
                    KernelPortable(kc, aPanel, aPanels.Across, aPanels.Along, mr, bPanel, bPanels.Along, nr, cTile, ldc, load);
                else if (mr == MR && nr == NR)
                    Kernel<Whole, Whole>(kc, aPanel, aPanels.Across, aPanels.Along, mr, bPanel, bPanels.Along, nr, cTile, ldc, load);
                else if (nr == NR || bPanels.Padded)
                    Kernel<Whole, Masked>(kc, aPanel, aPanels.Across, aPanels.Along, mr, bPanel, bPanels.Along, nr, cTile, ldc, load);
                else
                    Kernel<Masked, Masked>(kc, aPanel, aPanels.Across, aPanels.Along, mr, bPanel, bPanels.Along, nr, cTile, ldc, load);
            }
        }
    }

    static float* Scratch(int length)
    {
        var array = t_scratch;
        if (array is null || array.Length < length + 16)
            t_scratch = array = GC.AllocateUninitializedArray<float>(RoundUp(length + 16, 4096), pinned: true);
        return AlignTo64((float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)));
    }

    static float* AlignTo64(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
