using System.Numerics;
using ActorGraph.Kernels;
using Xunit;

namespace ActorGraph.GraphTests.Kernels;

public class GemmTests
{
    delegate void Multiply<T>(int m, int n, int k, ReadOnlySpan<T> a, int lda, bool transA,
        ReadOnlySpan<T> b, int ldb, bool transB, Span<T> c, int ldc, bool accumulate, int maxThreads);

    public record Case(int M, int N, int K, bool TransA = false, bool TransB = false,
        int PadA = 0, int PadB = 0, int PadC = 0, bool Accumulate = false, int Threads = 1);

    // Edges around the 6×16 tile and the 72/512/2048 blocks, operands read in place (small m or n) and packed.
    static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 7, 13), (13, 1, 7), (7, 13, 33), (6, 16, 8), (33, 65, 130), (65, 33, 257),
        (130, 17, 65), (12, 32, 513), (128, 10, 256), (3, 4100, 5), (37, 130, 70), (25, 200, 600),
    ];

    public static TheoryData<int, int, int, bool, bool> ShapesAndTransposes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach (var (m, n, k) in Shapes)
            foreach (bool ta in new[] { false, true })
                foreach (bool tb in new[] { false, true })
                    data.Add(m, n, k, ta, tb);
        return data;
    }

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void Multiply_matches_the_naive_product_for_every_transpose_combination(int m, int n, int k, bool ta, bool tb) =>
        CheckFloat(new Case(m, n, k, ta, tb));

    [Theory]
    [MemberData(nameof(ShapesAndTransposes))]
    public void The_portable_kernel_matches_the_naive_product_too(int m, int n, int k, bool ta, bool tb) =>
        Check<float>(new Case(m, n, k, ta, tb, PadA: 1, PadC: 2, Accumulate: true),
            (m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc, _) => Gemm.MultiplyPortable(m, n, k, a, lda, ta, b, ldb, tb, c, ldc, acc),
            r => (float)(r.NextDouble() * 2 - 1), float.NaN, FloatTolerance);

    // m = 1 or n = 1 take the matrix-vector path; strides make its vector operands non-contiguous.
    [Theory]
    [InlineData(1, 37, 70)]
    [InlineData(45, 1, 83)]
    [InlineData(1, 1, 100)]
    [InlineData(1, 300, 9)]
    public void Vector_products_match_the_naive_product_with_strides_and_accumulation(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                CheckFloat(new Case(m, n, k, ta, tb));
                CheckFloat(new Case(m, n, k, ta, tb, PadA: 2, PadB: 3, PadC: 1, Accumulate: true));
            }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Multiply_adds_to_C_when_accumulating(bool ta, bool tb) =>
        CheckFloat(new Case(33, 70, 300, ta, tb, Accumulate: true));

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Multiply_reads_and_writes_only_within_row_strides_wider_than_the_rows(bool ta, bool tb)
    {
        CheckFloat(new Case(19, 37, 41, ta, tb, PadA: 3, PadB: 5, PadC: 7));
        CheckFloat(new Case(31, 150, 41, ta, tb, PadA: 3, PadB: 5, PadC: 7));
    }

    [Theory]
    [InlineData(150, 300, 100, false, false)] // split along n
    [InlineData(300, 150, 100, true, true)] // split along m
    [InlineData(300, 140, 90, false, true)]
    [InlineData(140, 300, 90, true, false)]
    public void Multiply_on_two_threads_gives_the_single_threaded_result(int m, int n, int k, bool ta, bool tb)
    {
        CheckFloat(new Case(m, n, k, ta, tb, PadC: 3, Threads: 2));
        CheckFloat(new Case(m, n, k, ta, tb, Accumulate: true, Threads: 2));
    }

    // Each operand is the exact span its shape needs, ending right before an inaccessible page: an edge tile
    // that reads or writes even one float past the end crashes the test run instead of passing unnoticed
    // (lanes read past the edge are never stored, so no value check could see them).
    [Theory]
    [InlineData(5, 5, 200)]
    [InlineData(7, 13, 33)]
    [InlineData(13, 10, 70)]
    [InlineData(67, 21, 9)]
    [InlineData(1, 19, 30)]
    [InlineData(19, 1, 30)]
    public void Multiply_touches_nothing_past_the_end_of_its_spans(int m, int n, int k)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var random = new Random(5);
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                using GuardedSpan a = new(m * k), b = new(k * n), c = new(m * n);
                for (int i = 0; i < m * k; i++)
                    a.Span[i] = random.Next(-4, 5);
                for (int i = 0; i < k * n; i++)
                    b.Span[i] = random.Next(-4, 5);
                Gemm.Multiply(m, n, k, a.Span, ta ? m : k, ta, b.Span, tb ? k : n, tb, c.Span, n);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        float expected = 0;
                        for (int p = 0; p < k; p++)
                            expected += (ta ? a.Span[p * m + i] : a.Span[i * k + p]) * (tb ? b.Span[j * k + p] : b.Span[p * n + j]);
                        Assert.Equal(expected, c.Span[i * n + j]);
                    }
            }
    }

    // Each thread has its own packing scratch and concurrent big products decide their own threading;
    // neither may leak between calls running at the same time.
    [Fact]
    public void Concurrent_products_on_several_threads_each_get_their_own_result()
    {
        const int m = 150, n = 140, k = 110;
        var random = new Random(11);
        var a = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var b = Enumerable.Range(0, m * k).Select(_ => (float)random.NextDouble()).ToArray();
        var expected = a.Select(ai =>
        {
            var c = new float[m * n];
            Gemm.Multiply(m, n, k, ai, k, false, b, n, false, c, n, maxThreads: 1);
            return c;
        }).ToArray();
        var actual = Enumerable.Range(0, 16).Select(_ => new float[m * n]).ToArray();
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            Gemm.Multiply(m, n, k, a[t % 4], k, false, b, n, false, actual[t], n));
        for (int t = 0; t < 16; t++)
            for (int i = 0; i < m * n; i++)
                Assert.Equal(expected[t % 4][i], actual[t][i], 1e-3f);
    }

    // The packing scratch is per thread and kept, so a training loop's MatMuls never feed the GC.
    [Theory]
    [InlineData(200, 150, 600, false, true)] // packed A and B, several KC slices
    [InlineData(7, 13, 33, true, false)] // A and B read in place, edge tiles
    [InlineData(1, 300, 70, false, true)] // matrix-vector
    [InlineData(45, 1, 83, false, false)] // matrix-vector with a strided x
    public void Multiply_allocates_nothing_per_call_once_warm(int m, int n, int k, bool ta, bool tb)
    {
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        for (int i = 0; i < 3; i++)
            Gemm.Multiply(m, n, k, a, ta ? m : k, ta, b, tb ? k : n, tb, c, n, maxThreads: 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
            Gemm.Multiply(m, n, k, a, ta ? m : k, ta, b, tb ? k : n, tb, c, n, maxThreads: 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Multiply_with_zero_depth_clears_C_unless_accumulating()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply(2, 3, 0, [], 0, false, [], 3, false, c, 3, accumulate: true);
        Assert.Equal([1, 2, 3, 4, 5, 6], c);
        Gemm.Multiply(2, 3, 0, [], 0, false, [], 3, false, c, 3);
        Assert.All(c, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void Multiply_overwrites_NaN_in_C_instead_of_reading_it()
    {
        float[] c = Enumerable.Repeat(float.NaN, 20 * 20).ToArray();
        float[] a = Enumerable.Repeat(1f, 20 * 20).ToArray();
        Gemm.Multiply(20, 20, 20, a, 20, false, a, 20, false, c, 20);
        Assert.All(c, x => Assert.Equal(20f, x));
    }

    [Fact]
    public void Multiply_accepts_empty_rows_or_columns()
    {
        Gemm.Multiply(0, 5, 3, ReadOnlySpan<float>.Empty, 3, false, new float[15], 5, false, Span<float>.Empty, 5);
        Gemm.Multiply(4, 0, 3, new float[12], 3, false, ReadOnlySpan<float>.Empty, 0, false, Span<float>.Empty, 0);
    }

    [Fact]
    public void Multiply_rejects_spans_too_short_for_the_shape_and_strides()
    {
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(2, 2, 2, new float[3], 2, false, new float[4], 2, false, new float[4], 2));
        Assert.Throws<ArgumentException>(() => Gemm.Multiply(2, 2, 2, new float[4], 2, false, new float[4], 2, false, new float[4], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(2, 2, 2, new float[4], 1, false, new float[4], 2, false, new float[4], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.Multiply(-1, 2, 2, new float[4], 2, false, new float[4], 2, false, new float[4], 2));
    }

    public static TheoryData<Case> OtherTypeCases() =>
    [
        new Case(1, 1, 1), new Case(7, 13, 33, TransA: true), new Case(33, 7, 130, TransB: true),
        new Case(65, 40, 257, true, true, PadA: 2, PadB: 1, PadC: 3), new Case(20, 30, 0),
        new Case(13, 9, 300, Accumulate: true), new Case(200, 120, 100, true, false, Threads: 2),
    ];

    [Theory]
    [MemberData(nameof(OtherTypeCases))]
    public void Double_multiply_matches_the_naive_product(Case @case) =>
        Check<double>(@case, Gemm.Multiply, r => r.NextDouble() * 2 - 1, double.NaN, (k, s) => 1e-14 * k * s + 1e-300);

    [Theory]
    [MemberData(nameof(OtherTypeCases))]
    public void Int_multiply_matches_the_naive_product_exactly(Case @case) =>
        Check<int>(@case, Gemm.Multiply, r => r.Next(-100, 100), int.MinValue, (_, _) => 0);

    [Theory]
    [MemberData(nameof(OtherTypeCases))]
    public void Long_multiply_matches_the_naive_product_exactly(Case @case) =>
        Check<long>(@case, Gemm.Multiply, r => r.Next(-100_000, 100_000), long.MinValue, (_, _) => 0);

    // A float result may differ from the exact one by about k·ε times the sum of |a·b| terms.
    static double FloatTolerance(int k, double absSum) => 1.2e-7 * Math.Max(k, 4) * absSum + 1e-30;

    static void CheckFloat(Case @case) =>
        Check<float>(@case, Gemm.Multiply, r => (float)(r.NextDouble() * 2 - 1), float.NaN, FloatTolerance);

    // Operand padding holds `pad` (NaN or an extreme value) so a read outside the matrix shows up in C;
    // C's padding holds a sentinel that must survive.
    static void Check<T>(Case @case, Multiply<T> multiply, Func<Random, T> next, T pad, Func<int, double, double> tolerance)
        where T : INumber<T>
    {
        var (m, n, k) = (@case.M, @case.N, @case.K);
        var random = new Random(m * 10_007 + n * 101 + k);
        var (a, lda) = Storage(@case.TransA ? k : m, @case.TransA ? m : k, @case.PadA, random, next, pad);
        var (b, ldb) = Storage(@case.TransB ? n : k, @case.TransB ? k : n, @case.PadB, random, next, pad);
        var (c, ldc) = Storage(m, n, @case.PadC, random, next, T.CreateTruncating(-7));
        var before = (T[])c.Clone();
        // op(A) and op(B) in double, laid out plainly, so the reference loop stays cheap.
        var opA = new double[m * k];
        var opB = new double[k * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++)
                opA[i * k + p] = double.CreateChecked(@case.TransA ? a[p * lda + i] : a[i * lda + p]);
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++)
                opB[p * n + j] = double.CreateChecked(@case.TransB ? b[j * ldb + p] : b[p * ldb + j]);

        multiply(m, n, k, a, lda, @case.TransA, b, ldb, @case.TransB, c, ldc, @case.Accumulate, @case.Threads);

        var expected = new double[n];
        var absSum = new double[n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
                (expected[j], absSum[j]) = (@case.Accumulate ? double.CreateChecked(before[i * ldc + j]) : 0, 0);
            for (int p = 0; p < k; p++)
            {
                double aip = opA[i * k + p];
                for (int j = 0; j < n; j++)
                {
                    expected[j] += aip * opB[p * n + j];
                    absSum[j] += Math.Abs(aip * opB[p * n + j]);
                }
            }
            for (int j = 0; j < ldc; j++)
            {
                if (j >= n)
                {
                    Assert.Equal(before[i * ldc + j], c[i * ldc + j]);
                    continue;
                }
                double actual = double.CreateChecked(c[i * ldc + j]);
                if (!(Math.Abs(actual - expected[j]) <= tolerance(k, absSum[j] + Math.Abs(expected[j]))))
                    Assert.Fail($"C[{i},{j}] = {actual}, expected {expected[j]} for {@case}");
            }
        }
    }

    static (T[] Data, int Ld) Storage<T>(int rows, int cols, int padding, Random random, Func<Random, T> next, T pad)
    {
        int ld = cols + padding;
        var data = new T[rows * ld];
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < ld; col++)
                data[r * ld + col] = col < cols ? next(random) : pad;
        return (data, ld);
    }
}
