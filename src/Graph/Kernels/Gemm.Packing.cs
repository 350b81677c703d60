using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorGraph.Kernels;

// Packing copies a block of op(A) / op(B) into the order the micro-kernel reads it (MR rows resp. NR columns
// per k step, contiguous), so the kernel streams both with unit stride whatever the transposes and strides,
// and zero-pads partial panels so the kernel can read whole vectors there (only its stores need masking).
public static unsafe partial class Gemm
{
    // a points at op(A)(0,0) of the block; op(A)(i,p) is a[i*lda + p], or a[p*lda + i] when transA.
    static void PackA(int mc, int kc, float* a, int lda, bool transA, float* dst)
    {
        for (int i0 = 0; i0 < mc; i0 += MR, dst += MR * kc)
        {
            int mr = Math.Min(MR, mc - i0);
            if (transA)
                PackATransposed(kc, a + i0, lda, mr, dst);
            else if (mr == MR)
                PackARows(kc, a + (long)i0 * lda, lda, dst);
            else
                PackAEdge(kc, a + (long)i0 * lda, lda, mr, dst);
        }
    }

    static void PackARows(int kc, float* a, int lda, float* dst)
    {
        float* r0 = a, r1 = a + lda, r2 = a + 2L * lda, r3 = a + 3L * lda, r4 = a + 4L * lda, r5 = a + 5L * lda;
        int p = 0;
        // Eight k steps at a time through an 8×8 transpose (rows 6 and 7 are don't-care). Each column is stored
        // as 8 floats where 6 belong, and the next store overwrites the 2 extra; the loop stops while a next
        // store is still due, so nothing lands past this panel.
        if (s_useFma)
        {
            for (; p + 8 < kc; p += 8, dst += 8 * MR)
            {
                var x0 = Avx.LoadVector256(r0 + p);
                var x1 = Avx.LoadVector256(r1 + p);
                var x2 = Avx.LoadVector256(r2 + p);
                var x3 = Avx.LoadVector256(r3 + p);
                var x4 = Avx.LoadVector256(r4 + p);
                var x5 = Avx.LoadVector256(r5 + p);
                var x6 = Vector256<float>.Zero;
                var x7 = Vector256<float>.Zero;
                Transpose8x8(ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);
                Avx.Store(dst, x0);
                Avx.Store(dst + MR, x1);
                Avx.Store(dst + 2 * MR, x2);
                Avx.Store(dst + 3 * MR, x3);
                Avx.Store(dst + 4 * MR, x4);
                Avx.Store(dst + 5 * MR, x5);
                Avx.Store(dst + 6 * MR, x6);
                Avx.Store(dst + 7 * MR, x7);
            }
        }
        for (; p < kc; p++, dst += MR)
        {
            dst[0] = r0[p];
            dst[1] = r1[p];
            dst[2] = r2[p];
            dst[3] = r3[p];
            dst[4] = r4[p];
            dst[5] = r5[p];
        }
    }

    static void PackAEdge(int kc, float* a, int lda, int mr, float* dst)
    {
        for (int p = 0; p < kc; p++, dst += MR)
        {
            int i = 0;
            for (; i < mr; i++)
                dst[i] = a[(long)i * lda + p];
            for (; i < MR; i++)
                dst[i] = 0;
        }
    }

    static void PackATransposed(int kc, float* a, int lda, int mr, float* dst)
    {
        int p = 0;
        // A masked load takes the mr floats (zeros beyond them) without touching memory past them; the 8-float store
        // spills 2 floats into the next k step's slot, which that step overwrites, so the last step is left to the loop below.
        if (s_useFma)
        {
            var mask = Avx2.CompareGreaterThan(Vector256.Create(mr), Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7)).AsSingle();
            for (; p + 1 < kc; p++, dst += MR)
                Avx.Store(dst, Avx.MaskLoad(a + (long)p * lda, mask));
        }
        for (; p < kc; p++, dst += MR)
        {
            float* src = a + (long)p * lda;
            int i = 0;
            for (; i < mr; i++)
                dst[i] = src[i];
            for (; i < MR; i++)
                dst[i] = 0;
        }
    }

    // b points at op(B)(0,0) of the block; op(B)(p,j) is b[p*ldb + j], or b[j*ldb + p] when transB.
    static void PackB(int kc, int nc, float* b, int ldb, bool transB, float* dst)
    {
        for (int j0 = 0; j0 < nc; j0 += NR, dst += NR * kc)
        {
            int nr = Math.Min(NR, nc - j0);
            if (transB)
                PackBTransposed(kc, b + (long)j0 * ldb, ldb, nr, dst);
            else if (nr == NR)
                PackBRows(kc, b + j0, ldb, dst);
            else
                PackBEdge(kc, b + j0, ldb, nr, dst);
        }
    }

    static void PackBRows(int kc, float* b, int ldb, float* dst)
    {
        for (int p = 0; p < kc; p++, dst += NR)
            Unsafe.CopyBlockUnaligned(dst, b + (long)p * ldb, NR * sizeof(float));
    }

    static void PackBEdge(int kc, float* b, int ldb, int nr, float* dst)
    {
        for (int p = 0; p < kc; p++, dst += NR)
        {
            float* src = b + (long)p * ldb;
            int j = 0;
            for (; j < nr; j++)
                dst[j] = src[j];
            for (; j < NR; j++)
                dst[j] = 0;
        }
    }

    static void PackBTransposed(int kc, float* b, int ldb, int nr, float* dst)
    {
        int p0 = 0;
        // 8×8 blocks: eight k steps of rows 0-7, then of rows 8-15, transposed in registers.
        if (s_useFma && nr == NR)
        {
            for (; p0 + 8 <= kc; p0 += 8)
            {
                for (int half = 0; half < 2; half++)
                {
                    float* src = b + (long)half * 8 * ldb + p0, d = dst + p0 * NR + half * 8;
                    var x0 = Avx.LoadVector256(src);
                    var x1 = Avx.LoadVector256(src + ldb);
                    var x2 = Avx.LoadVector256(src + 2L * ldb);
                    var x3 = Avx.LoadVector256(src + 3L * ldb);
                    var x4 = Avx.LoadVector256(src + 4L * ldb);
                    var x5 = Avx.LoadVector256(src + 5L * ldb);
                    var x6 = Avx.LoadVector256(src + 6L * ldb);
                    var x7 = Avx.LoadVector256(src + 7L * ldb);
                    Transpose8x8(ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);
                    Avx.Store(d, x0);
                    Avx.Store(d + NR, x1);
                    Avx.Store(d + 2 * NR, x2);
                    Avx.Store(d + 3 * NR, x3);
                    Avx.Store(d + 4 * NR, x4);
                    Avx.Store(d + 5 * NR, x5);
                    Avx.Store(d + 6 * NR, x6);
                    Avx.Store(d + 7 * NR, x7);
                }
            }
            if (p0 == kc)
                return;
        }
        // Reads each of the nr source rows sequentially and scatters it down one column of the panel.
        for (int j = 0; j < nr; j++)
        {
            float* src = b + (long)j * ldb, d = dst + j;
            for (int p = p0; p < kc; p++)
                d[p * NR] = src[p];
        }
        for (int j = nr; j < NR; j++)
            for (int p = p0; p < kc; p++)
                dst[p * NR + j] = 0;
    }

    // In-register transpose: afterwards x_q holds what was column q of the eight rows x0..x7.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(ref Vector256<float> x0, ref Vector256<float> x1, ref Vector256<float> x2, ref Vector256<float> x3,
        ref Vector256<float> x4, ref Vector256<float> x5, ref Vector256<float> x6, ref Vector256<float> x7)
    {
        var t0 = Avx.UnpackLow(x0, x1);
        var t1 = Avx.UnpackHigh(x0, x1);
        var t2 = Avx.UnpackLow(x2, x3);
        var t3 = Avx.UnpackHigh(x2, x3);
        var t4 = Avx.UnpackLow(x4, x5);
        var t5 = Avx.UnpackHigh(x4, x5);
        var t6 = Avx.UnpackLow(x6, x7);
        var t7 = Avx.UnpackHigh(x6, x7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        x0 = Avx.Permute2x128(u0, u4, 0x20);
        x1 = Avx.Permute2x128(u1, u5, 0x20);
        x2 = Avx.Permute2x128(u2, u6, 0x20);
        x3 = Avx.Permute2x128(u3, u7, 0x20);
        x4 = Avx.Permute2x128(u0, u4, 0x31);
        x5 = Avx.Permute2x128(u1, u5, 0x31);
        x6 = Avx.Permute2x128(u2, u6, 0x31);
        x7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
