using System.Numerics;
using ActorGraph.Bench.Harness;
using ActorGraph.Kernels;

namespace ActorGraph.Bench.Benches;

public static class GemmBench
{
    // The products of one training step of the 784-256-256-10 MLP at batch 128: forward X·W, weight gradient Xᵀ·G,
    // input gradient G·Wᵀ (not needed for the first layer).
    static readonly (string Op, int M, int N, int K)[] MlpShapes =
    [
        ("AB", 128, 256, 784), ("AtB", 784, 256, 128),
        ("AB", 128, 256, 256), ("AtB", 256, 256, 128), ("ABt", 128, 256, 256),
        ("AB", 128, 10, 256), ("AtB", 256, 10, 128), ("ABt", 128, 256, 10),
    ];

    public static void Run(Options options, Report report)
    {
        var measure = MeasureOptions.From(options);
        // Block sizes are tuned for a Zen 4 core (32 KiB L1d, 1 MiB L2); these let another machine be re-tuned.
        Gemm.KC = options.Int("kc", Gemm.KC);
        Gemm.MC = options.Int("mc", Gemm.MC);
        Gemm.NC = options.Int("nc", Gemm.NC);
        string only = options.String("only", "square,mlp,small");
        int[] sizes = options.Ints("sizes", 256, 1024);
        int[] threads = options.Ints("threads", 1, 2);
        // A thread CPU clock does not see the helper thread's work, so only single-thread figures make sense with it.
        if (measure.ThreadCpuClock)
        {
            threads = [1];
            Console.WriteLine("# clock: the calling thread's CPU time (single-thread figures only)");
        }

        if (only.Contains("square"))
            SquareFigures(report, measure, sizes, threads);
        if (only.Contains("mlp"))
            MlpFigures(report, measure, threads.Any(t => t > 1));
        if (only.Contains("small"))
            SmallFigures(report, measure);
    }

    static void SquareFigures(Report report, MeasureOptions measure, int[] sizes, int[] threads)
    {
        const int baselineSize = 256;
        Row baseline = Square(report, measure, baselineSize, 1, naive: true, null);
        CheckAgainstNaive(baselineSize);
        foreach (int size in sizes)
            foreach (int t in threads)
                Square(report, measure, size, t, naive: false, baseline);
    }

    static void MlpFigures(Report report, MeasureOptions measure, bool threaded)
    {
        Row? oneThreadStep = null;
        foreach (int maxThreads in threaded ? [1, 0] : new[] { 1 })
        {
            double stepFlops = 0;
            var products = new List<Action>();
            foreach (var (op, m, n, k) in MlpShapes)
            {
                var body = Product(m, n, k, op == "AtB", op == "ABt", maxThreads);
                products.Add(body);
                stepFlops += 2.0 * m * n * k;
                var stats = Measure.SecondsPerCall(body, measure).Map(s => 2.0 * m * n * k / s / 1e9);
                report.Add("mlp_gflops", [("shape", $"{m}x{n}x{k}"), ("op", op), ("threads", ThreadsLabel(maxThreads))], stats, "GFLOP/s");
            }
            var step = Measure.SecondsPerCall(() => products.ForEach(p => p()), measure).Map(s => s * 1e6);
            var row = report.Add("mlp_step", [("shape", "all 8 above"), ("threads", ThreadsLabel(maxThreads))], step, "us", oneThreadStep);
            oneThreadStep ??= row;
            Console.Error.WriteLine($"  ({stepFlops / 1e6:F1} MFLOP per step)");
        }
    }

    // Per-call overhead matters when a graph multiplies vectors or tiny matrices thousands of times.
    static void SmallFigures(Report report, MeasureOptions measure)
    {
        (int M, int N, int K)[] shapes = [(1, 1, 1), (4, 4, 4), (16, 16, 16), (1, 256, 784), (256, 1, 784), (1, 1, 1024), (32, 32, 32)];
        foreach (var (m, n, k) in shapes)
        {
            var stats = Measure.SecondsPerCall(Product(m, n, k, false, false, 0), measure).Map(s => s * 1e9);
            report.Add("small_ns", [("shape", $"{m}x{n}x{k}"), ("op", "AB")], stats, "ns");
        }
    }

    static object ThreadsLabel(int maxThreads) => maxThreads == 0 ? "auto" : maxThreads;

    static Row Square(Report report, MeasureOptions measure, int size, int threads, bool naive, Row? baseline)
    {
        var (a, b, c) = Operands(size, size, size);
        Action body = naive
            ? () => Naive(size, size, size, a, b, c)
            : () => Gemm.Multiply(size, size, size, a, size, false, b, size, false, c, size, maxThreads: threads);
        double flops = 2.0 * size * size * size;
        var stats = Measure.SecondsPerCall(body, measure).Map(s => flops / s / 1e9);
        return report.Add(naive ? "gflops_naive" : "gflops", [("size", size), ("threads", threads)], stats, "GFLOP/s", baseline);
    }

    static Action Product(int m, int n, int k, bool transA, bool transB, int maxThreads)
    {
        var (a, b, c) = Operands(m, n, k);
        int lda = transA ? m : k, ldb = transB ? k : n;
        return () => Gemm.Multiply(m, n, k, a, lda, transA, b, ldb, transB, c, n, maxThreads: maxThreads);
    }

    static (float[] A, float[] B, float[] C) Operands(int m, int n, int k)
    {
        var random = new Random(42);
        float[] Fill(int length) => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        return (Fill(m * k), Fill(k * n), new float[m * n]);
    }

    // What one writes without a GEMM library: i-k-j order so the inner loop is a vectorised axpy over a row of B.
    static void Naive(int m, int n, int k, float[] a, float[] b, float[] c)
    {
        int w = Vector<float>.Count;
        for (int i = 0; i < m; i++)
        {
            var row = c.AsSpan(i * n, n);
            row.Clear();
            for (int p = 0; p < k; p++)
            {
                var aip = new Vector<float>(a[i * k + p]);
                var bRow = b.AsSpan(p * n, n);
                int j = 0;
                for (; j <= n - w; j += w)
                    (new Vector<float>(row[j..]) + aip * new Vector<float>(bRow[j..])).CopyTo(row[j..]);
                for (; j < n; j++)
                    row[j] += a[i * k + p] * bRow[j];
            }
        }
    }

    // A fast wrong answer is worthless: compare once with the baseline before timing anything else.
    static void CheckAgainstNaive(int size)
    {
        var (a, b, expected) = Operands(size, size, size);
        var actual = new float[expected.Length];
        Naive(size, size, size, a, b, expected);
        Gemm.Multiply(size, size, size, a, size, false, b, size, false, actual, size, maxThreads: 2);
        float worst = expected.Zip(actual, (x, y) => MathF.Abs(x - y)).Max();
        if (worst > 1e-3f)
            throw new InvalidOperationException($"Gemm.Multiply differs from the naive product by {worst} at {size}³");
    }
}
