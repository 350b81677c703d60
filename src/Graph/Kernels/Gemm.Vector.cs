using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ActorGraph.Kernels;

// m == 1 or n == 1 is a matrix-vector product: the blocked path would waste 5/6 (or 15/16) of the micro-kernel's
// lanes and copy the matrix only to read it once, so these stream the matrix straight through dot or axpy loops.
public static unsafe partial class Gemm
{
    static void MultiplyVector(int m, int n, int k, float* a, int lda, bool transA, float* b, int ldb, bool transB,
        float* c, int ldc, bool accumulate)
    {
        // C is a column: c[i] = Σ_p op(A)(i,p)·op(B)(p,0).
        if (n == 1)
            Gemv(m, k, a, lda, byRows: !transA, b, transB ? 1 : ldb, c, ldc, accumulate);
        // C is a row: c[j] = Σ_p op(A)(0,p)·op(B)(p,j), i.e. the column case for op(B)ᵀ.
        else
            Gemv(n, k, b, ldb, byRows: transB, a, transA ? lda : 1, c, 1, accumulate);
    }

    // y[i·incY] (=|+=) Σ_p M(i,p)·x[p·incX] for i < rows, where M(i,p) is mat[i·ld + p] when byRows, else mat[p·ld + i].
    static void Gemv(int rows, int depth, float* mat, int ld, bool byRows, float* x, int incX, float* y, int incY, bool accumulate)
    {
        float* scratch = incX == 1 && incY == 1 ? null : Scratch(depth + rows);
        if (incX != 1)
        {
            for (int q = 0; q < depth; q++)
                scratch[q] = x[(long)q * incX];
            x = scratch;
        }
        var xs = new ReadOnlySpan<float>(x, depth);
        if (byRows)
        {
            int i = 0;
            if (s_useFma)
            {
                for (; i + 4 <= rows; i += 4)
                {
                    float* m0 = mat + (long)i * ld;
                    Dot4(depth, m0, m0 + ld, m0 + 2L * ld, m0 + 3L * ld, x, y + (long)i * incY, incY, accumulate);
                }
            }
            for (; i < rows; i++)
            {
                float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(mat + (long)i * ld, depth), xs);
                float* yi = y + (long)i * incY;
                *yi = accumulate ? *yi + dot : dot;
            }
            return;
        }
        // Column-wise: accumulate whole rows of the matrix into a contiguous y, each scaled by one element of x.
        float* ys = incY == 1 ? y : scratch + depth;
        var acc = new Span<float>(ys, rows);
        if (!accumulate)
            acc.Clear();
        else if (incY != 1)
            for (int i = 0; i < rows; i++)
                ys[i] = y[(long)i * incY];
        int p = 0;
        if (s_useFma)
        {
            for (; p + 4 <= depth; p += 4)
            {
                float* m0 = mat + (long)p * ld;
                Axpy4(rows, m0, m0 + ld, m0 + 2L * ld, m0 + 3L * ld, x + p, ys);
            }
        }
        for (; p < depth; p++)
            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(mat + (long)p * ld, rows), x[p], acc, acc);
        if (incY != 1)
            for (int i = 0; i < rows; i++)
                y[(long)i * incY] = ys[i];
    }

    // Four dot products against the same x, so each load of x feeds four FMAs; two accumulators per row
    // keep eight independent FMA chains in flight to cover the FMA latency.
    static void Dot4(int depth, float* r0, float* r1, float* r2, float* r3, float* x, float* y, int incY, bool accumulate)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default;
        int p = 0;
        for (; p + 16 <= depth; p += 16)
        {
            var xa = Avx.LoadVector256(x + p);
            var xb = Avx.LoadVector256(x + p + 8);
            s0 = Fma.MultiplyAdd(Avx.LoadVector256(r0 + p), xa, s0);
            s1 = Fma.MultiplyAdd(Avx.LoadVector256(r1 + p), xa, s1);
            s2 = Fma.MultiplyAdd(Avx.LoadVector256(r2 + p), xa, s2);
            s3 = Fma.MultiplyAdd(Avx.LoadVector256(r3 + p), xa, s3);
            t0 = Fma.MultiplyAdd(Avx.LoadVector256(r0 + p + 8), xb, t0);
            t1 = Fma.MultiplyAdd(Avx.LoadVector256(r1 + p + 8), xb, t1);
            t2 = Fma.MultiplyAdd(Avx.LoadVector256(r2 + p + 8), xb, t2);
            t3 = Fma.MultiplyAdd(Avx.LoadVector256(r3 + p + 8), xb, t3);
        }
        float d0 = Vector256.Sum(s0 + t0), d1 = Vector256.Sum(s1 + t1), d2 = Vector256.Sum(s2 + t2), d3 = Vector256.Sum(s3 + t3);
        for (; p < depth; p++)
        {
            d0 += r0[p] * x[p];
            d1 += r1[p] * x[p];
            d2 += r2[p] * x[p];
            d3 += r3[p] * x[p];
        }
        if (accumulate)
        {
            d0 += y[0];
            d1 += y[incY];
            d2 += y[2L * incY];
            d3 += y[3L * incY];
        }
        y[0] = d0;
        y[incY] = d1;
        y[2L * incY] = d2;
        y[3L * incY] = d3;
    }

    // y += x0·r0 + x1·r1 + x2·r2 + x3·r3: four matrix rows per pass over y cut y's loads and stores by four.
    static void Axpy4(int n, float* r0, float* r1, float* r2, float* r3, float* x, float* y)
    {
        var x0 = Vector256.Create(x[0]);
        var x1 = Vector256.Create(x[1]);
        var x2 = Vector256.Create(x[2]);
        var x3 = Vector256.Create(x[3]);
        int j = 0;
        for (; j + 8 <= n; j += 8)
        {
            var acc = Fma.MultiplyAdd(Avx.LoadVector256(r0 + j), x0, Avx.LoadVector256(y + j));
            acc = Fma.MultiplyAdd(Avx.LoadVector256(r1 + j), x1, acc);
            acc = Fma.MultiplyAdd(Avx.LoadVector256(r2 + j), x2, acc);
            Avx.Store(y + j, Fma.MultiplyAdd(Avx.LoadVector256(r3 + j), x3, acc));
        }
        for (; j < n; j++)
            y[j] += x[0] * r0[j] + x[1] * r1[j] + x[2] * r2[j] + x[3] * r3[j];
    }
}
