using System.Runtime.CompilerServices;

namespace ActorGraph.Kernels;

// Packing copies a block of op(A) / op(B) into the order the micro-kernel reads it (MR rows resp. NR columns
// per k step, contiguous), so the kernel streams both with unit stride whatever the transposes and strides,
// and zero-pads partial panels so edge tiles can run the full kernel.
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
        for (int p = 0; p < kc; p++, dst += MR)
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
        for (int p = 0; p < kc; p++, dst += MR)
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

    // Reads each of the nr source rows sequentially and scatters it down one column of the panel.
    static void PackBTransposed(int kc, float* b, int ldb, int nr, float* dst)
    {
        for (int j = 0; j < nr; j++)
        {
            float* src = b + (long)j * ldb, d = dst + j;
            for (int p = 0; p < kc; p++)
                d[p * NR] = src[p];
        }
        for (int j = nr; j < NR; j++)
            for (int p = 0; p < kc; p++)
                dst[p * NR + j] = 0;
    }
}
