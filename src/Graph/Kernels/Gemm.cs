namespace ActorGraph.Kernels;

// C[m×n] = op(A)[m×k] · op(B)[k×n], or C += … when accumulate. Row-major storage throughout:
// A is m×k (lda = row stride) or, when transA, k×m; B is k×n or, when transB, n×k.
// maxThreads: 0 = decide from the size of the product, 1 = single thread, t > 1 = at most t threads.
// When accumulate is false C is overwritten, never read, so NaN garbage in C does not leak into the result.
public static unsafe partial class Gemm
{
    // Below ~2^21 multiply-adds a product takes < ~40 µs on one core; handing half of it to a pool
    // thread costs a few µs plus re-packing the shared operand, so it stops paying around here.
    const long ParallelThreshold = 1L << 21;

    // Each extra thread should get at least this many multiply-adds when the thread count is decided here.
    const long WorkPerThread = 1L << 20;

    public static void Multiply(int m, int n, int k,
        ReadOnlySpan<float> a, int lda, bool transA,
        ReadOnlySpan<float> b, int ldb, bool transB,
        Span<float> c, int ldc, bool accumulate = false, int maxThreads = 0)
    {
        Validate(m, n, k, a.Length, lda, transA, b.Length, ldb, transB, c.Length, ldc, maxThreads);
        if (m == 0 || n == 0)
            return;
        fixed (float* pa = a, pb = b, pc = c)
        {
            if (k == 0)
            {
                if (!accumulate)
                    ClearRows(pc, m, n, ldc);
                return;
            }
            if (m == 1 || n == 1)
            {
                MultiplyVector(m, n, k, pa, lda, transA, pb, ldb, transB, pc, ldc, accumulate);
                return;
            }
            int threads = Enter(m, n, k, maxThreads);
            try
            {
                MultiplyFloat(m, n, k, pa, lda, transA, pb, ldb, transB, pc, ldc, accumulate, threads);
            }
            finally
            {
                Leave(m, n, k, maxThreads);
            }
        }
    }

    // The blocked float path with the portable micro-kernel, so tests cover it on machines that have FMA.
    internal static void MultiplyPortable(int m, int n, int k,
        ReadOnlySpan<float> a, int lda, bool transA,
        ReadOnlySpan<float> b, int ldb, bool transB,
        Span<float> c, int ldc, bool accumulate = false)
    {
        Validate(m, n, k, a.Length, lda, transA, b.Length, ldb, transB, c.Length, ldc, 1);
        if (m == 0 || n == 0 || k == 0)
            return;
        fixed (float* pa = a, pb = b, pc = c)
            Blocked(m, n, k, pa, lda, transA, pb, ldb, transB, pc, ldc, accumulate, portable: true);
    }

    public static void Multiply(int m, int n, int k,
        ReadOnlySpan<double> a, int lda, bool transA,
        ReadOnlySpan<double> b, int ldb, bool transB,
        Span<double> c, int ldc, bool accumulate = false, int maxThreads = 0)
    {
        Validate(m, n, k, a.Length, lda, transA, b.Length, ldb, transB, c.Length, ldc, maxThreads);
        int threads = Enter(m, n, k, maxThreads);
        try
        {
            fixed (double* pa = a, pb = b, pc = c)
                MultiplySimple(m, n, k, pa, lda, transA, pb, ldb, transB, pc, ldc, accumulate, threads);
        }
        finally
        {
            Leave(m, n, k, maxThreads);
        }
    }

    public static void Multiply(int m, int n, int k,
        ReadOnlySpan<int> a, int lda, bool transA,
        ReadOnlySpan<int> b, int ldb, bool transB,
        Span<int> c, int ldc, bool accumulate = false, int maxThreads = 0)
    {
        Validate(m, n, k, a.Length, lda, transA, b.Length, ldb, transB, c.Length, ldc, maxThreads);
        int threads = Enter(m, n, k, maxThreads);
        try
        {
            fixed (int* pa = a, pb = b, pc = c)
                MultiplySimple(m, n, k, pa, lda, transA, pb, ldb, transB, pc, ldc, accumulate, threads);
        }
        finally
        {
            Leave(m, n, k, maxThreads);
        }
    }

    public static void Multiply(int m, int n, int k,
        ReadOnlySpan<long> a, int lda, bool transA,
        ReadOnlySpan<long> b, int ldb, bool transB,
        Span<long> c, int ldc, bool accumulate = false, int maxThreads = 0)
    {
        Validate(m, n, k, a.Length, lda, transA, b.Length, ldb, transB, c.Length, ldc, maxThreads);
        int threads = Enter(m, n, k, maxThreads);
        try
        {
            fixed (long* pa = a, pb = b, pc = c)
                MultiplySimple(m, n, k, pa, lda, transA, pb, ldb, transB, pc, ldc, accumulate, threads);
        }
        finally
        {
            Leave(m, n, k, maxThreads);
        }
    }

    // Products big enough to split that are running in this process right now.
    static int s_bigInFlight;

    // Decides how many threads a product gets and counts a big one in flight until Leave. An explicit maxThreads
    // is a cap, not an order: small products run on the calling thread whatever the caller asked. With
    // maxThreads = 0 a product splits only while it is the only big one in flight: otherwise the cores are busy
    // already, and a caller that joins on a helper still waiting for a core stalls instead of computing.
    static int Enter(int m, int n, int k, int maxThreads)
    {
        long work = (long)m * n * k;
        if (maxThreads == 1 || work < ParallelThreshold)
            return 1;
        bool alone = Interlocked.Increment(ref s_bigInFlight) == 1;
        int cap = maxThreads > 1 ? maxThreads : alone ? Environment.ProcessorCount : 1;
        return (int)Math.Clamp(work / WorkPerThread, 1, cap);
    }

    static void Leave(int m, int n, int k, int maxThreads)
    {
        if (maxThreads != 1 && (long)m * n * k >= ParallelThreshold)
            Interlocked.Decrement(ref s_bigInFlight);
    }

    // The kernels run on raw pointers, so every bound is checked here, once, before any of them is touched.
    static void Validate(int m, int n, int k, int aLength, int lda, bool transA, int bLength, int ldb, bool transB,
        int cLength, int ldc, int maxThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfNegative(maxThreads);
        CheckOperand("a", aLength, transA ? k : m, transA ? m : k, lda, nameof(lda));
        CheckOperand("b", bLength, transB ? n : k, transB ? k : n, ldb, nameof(ldb));
        CheckOperand("c", cLength, m, n, ldc, nameof(ldc));
    }

    static void CheckOperand(string name, int length, int rows, int cols, int ld, string ldName)
    {
        if (rows == 0 || cols == 0)
            return;
        if (ld < cols)
            throw new ArgumentOutOfRangeException(ldName, ld, $"The row stride of {name} must be at least its row width {cols}.");
        long needed = (long)(rows - 1) * ld + cols;
        if (needed > length)
            throw new ArgumentException($"{name} holds {length} elements but a {rows}×{cols} matrix with stride {ld} needs {needed}.", name);
    }

    static void ClearRows<T>(T* c, int m, int n, int ldc) where T : unmanaged
    {
        for (int i = 0; i < m; i++)
            new Span<T>(c + (long)i * ldc, n).Clear();
    }

    static int RoundUp(int x, int unit) => (x + unit - 1) / unit * unit;
}
