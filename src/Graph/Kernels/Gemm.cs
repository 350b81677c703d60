using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

// C[m×n] = op(A)[m×k] · op(B)[k×n], or C += … when accumulate; row-major, ld* = row strides.
// A simple, correct stand-in: the blocked, multi-threaded GEMM replaces this file at merge,
// so maxThreads is accepted and ignored here.
public static class Gemm
{
    public static void Multiply(int m, int n, int k, ReadOnlySpan<float> a, int lda, bool transA,
        ReadOnlySpan<float> b, int ldb, bool transB, Span<float> c, int ldc, bool accumulate = false, int maxThreads = 0) =>
        Product(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, maxThreads);

    public static void Multiply(int m, int n, int k, ReadOnlySpan<double> a, int lda, bool transA,
        ReadOnlySpan<double> b, int ldb, bool transB, Span<double> c, int ldc, bool accumulate = false, int maxThreads = 0) =>
        Product(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, maxThreads);

    public static void Multiply(int m, int n, int k, ReadOnlySpan<int> a, int lda, bool transA,
        ReadOnlySpan<int> b, int ldb, bool transB, Span<int> c, int ldc, bool accumulate = false, int maxThreads = 0) =>
        Product(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, maxThreads);

    public static void Multiply(int m, int n, int k, ReadOnlySpan<long> a, int lda, bool transA,
        ReadOnlySpan<long> b, int ldb, bool transB, Span<long> c, int ldc, bool accumulate = false, int maxThreads = 0) =>
        Product(m, n, k, a, lda, transA, b, ldb, transB, c, ldc, accumulate, maxThreads);

    private static void Product<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, bool transA,
        ReadOnlySpan<T> b, int ldb, bool transB, Span<T> c, int ldc, bool accumulate, int maxThreads)
        where T : unmanaged, INumber<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(maxThreads);
        CheckOperand(nameof(a), a.Length, transA ? k : m, transA ? m : k, lda);
        CheckOperand(nameof(b), b.Length, transB ? n : k, transB ? k : n, ldb);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        // A row of op(A), gathered once per output row when A is stored transposed.
        var aRow = transA ? new T[k] : null;
        for (int i = 0; i < m; i++)
        {
            var cRow = c.Slice(i * ldc, n);
            if (!accumulate) cRow.Clear();
            ReadOnlySpan<T> ai;
            if (transA)
            {
                for (int p = 0; p < k; p++) aRow![p] = a[p * lda + i];
                ai = aRow;
            }
            else ai = a.Slice(i * lda, k);
            if (transB)
            {
                // Rows of B are the columns of op(B): each output is one dot product.
                for (int j = 0; j < n; j++) cRow[j] += TensorPrimitives.Dot(ai, b.Slice(j * ldb, k));
            }
            else
            {
                // C[i,:] += A[i,p] · B[p,:], a vectorized row update per p.
                for (int p = 0; p < k; p++)
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), ai[p], cRow, cRow);
            }
        }
    }

    private static void CheckOperand(string name, int length, int rows, int cols, int ld)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentOutOfRangeException($"ld{name}", ld, $"The row stride of {name} must be at least its row width {cols}.");
        long needed = (long)(rows - 1) * ld + cols;
        if (needed > length) throw new ArgumentException($"{name} holds {length} elements but a {rows}×{cols} matrix with stride {ld} needs {needed}.", name);
    }
}
