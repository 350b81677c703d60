using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ActorGraph.Kernels;

// double / int / long: row-wise axpy updates (i-k-j order) over blocks of B, vectorised along the rows of C.
// Far from peak, but these types are only used for gradient checks and the odd integer op.
public static unsafe partial class Gemm
{
    // Rows of op(B) per block: 128 rows of a few thousand elements stay in L2 while every row of C passes over them.
    const int SimpleDepth = 128;

    static void MultiplySimple<T>(int m, int n, int k, T* a, int lda, bool transA, T* b, int ldb, bool transB,
        T* c, int ldc, bool accumulate, int threads) where T : unmanaged, INumber<T>
    {
        if (m == 0 || n == 0)
            return;
        if (!accumulate)
            ClearRows(c, m, n, ldc);
        if (k == 0)
            return;
        int chunk = (m + threads - 1) / threads, parts = (m + chunk - 1) / chunk;
        if (parts <= 1)
            SimpleRows(m, n, k, a, lda, transA, b, ldb, transB, c, ldc);
        else
            SplitRows(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, chunk, parts);
    }

    // A method of its own so that only split products allocate the lambda's closure (see Split).
    static void SplitRows<T>(int m, int n, int k, T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc,
        int chunk, int parts) where T : unmanaged, INumber<T>
    {
        nint pa = (nint)a, pb = (nint)b, pc = (nint)c;
        ComputeThreads.For(parts, t =>
        {
            int start = t * chunk, rows = Math.Min(chunk, m - start);
            T* ta = (T*)pa + (transA ? start : (long)start * lda);
            SimpleRows(rows, n, k, ta, lda, transA, (T*)pb, ldb, transB, (T*)pc + (long)start * ldc, ldc);
        });
    }

    static void SimpleRows<T>(int m, int n, int k, T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc)
        where T : unmanaged, INumber<T>
    {
        // A transposed B is copied block by block into k-major rows so that every update stays a contiguous axpy.
        T[]? scratch = transB ? ArrayPool<T>.Shared.Rent(Math.Min(SimpleDepth, k) * n) : null;
        try
        {
            fixed (T* block = scratch)
            {
                for (int p0 = 0; p0 < k; p0 += SimpleDepth)
                {
                    int depth = Math.Min(SimpleDepth, k - p0);
                    T* rows = b + (long)p0 * ldb;
                    int stride = ldb;
                    if (transB)
                    {
                        for (int j = 0; j < n; j++)
                            for (int p = 0; p < depth; p++)
                                block[(long)p * n + j] = b[(long)j * ldb + p0 + p];
                        rows = block;
                        stride = n;
                    }
                    for (int i = 0; i < m; i++)
                        UpdateRow(c + (long)i * ldc, n, depth, a, lda, transA, i, p0, rows, stride);
                }
            }
        }
        finally
        {
            if (scratch != null)
                ArrayPool<T>.Shared.Return(scratch);
        }
    }

    // c[0..n) += Σ_p op(A)(i, p0+p) · rows[p], taking B rows two at a time to halve the loads and stores of c.
    static void UpdateRow<T>(T* c, int n, int depth, T* a, int lda, bool transA, int i, int p0, T* rows, int stride)
        where T : unmanaged, INumber<T>
    {
        int p = 0;
        for (; p + 1 < depth; p += 2)
        {
            T a0 = ElementA(a, lda, transA, i, p0 + p), a1 = ElementA(a, lda, transA, i, p0 + p + 1);
            T* r0 = rows + (long)p * stride, r1 = r0 + stride;
            int j = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                Vector<T> v0 = new(a0), v1 = new(a1);
                for (; j <= n - Vector<T>.Count; j += Vector<T>.Count)
                {
                    var sum = Unsafe.ReadUnaligned<Vector<T>>(c + j) + v0 * Unsafe.ReadUnaligned<Vector<T>>(r0 + j)
                        + v1 * Unsafe.ReadUnaligned<Vector<T>>(r1 + j);
                    Unsafe.WriteUnaligned(c + j, sum);
                }
            }
            for (; j < n; j++)
                c[j] += a0 * r0[j] + a1 * r1[j];
        }
        if (p < depth)
        {
            T a0 = ElementA(a, lda, transA, i, p0 + p);
            T* r0 = rows + (long)p * stride;
            for (int j = 0; j < n; j++)
                c[j] += a0 * r0[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T ElementA<T>(T* a, int lda, bool transA, int i, int p) where T : unmanaged =>
        transA ? a[(long)p * lda + i] : a[(long)i * lda + p];
}
