using System.Diagnostics;
using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// Planning cost: the first Run of a chain of N ops in local mode (the coordinator plans, prunes, partitions
// and registers the partitions on the workers) and the next Run of the same fetch (a cached plan). Every
// trial builds a new graph and session; the warm-up trials run on graphs of their own, so the JIT is warm.
public static class PlanBench
{
    public static void Run(Options options, Report report)
    {
        int ops = options.Int("ops", 10_000);
        int trials = options.Int("trials", 5), warmup = options.Int("warmup", 2);
        if (ops < 1) throw new ArgumentException($"plan: --ops {ops} must be at least 1.");

        var first = new List<double>();
        var next = new List<double>();
        var firstCpu = new List<double>();
        var load = CpuLoad.Start();
        for (int i = 0; i < warmup + trials; i++)
        {
            var (firstMs, firstCpuMs, nextMs) = Trial(ops);
            if (i < warmup) continue;
            first.Add(firstMs);
            firstCpu.Add(firstCpuMs);
            next.Add(nextMs);
        }
        double? other = load?.OtherCores();
        var config = new (string, object)[] { ("mode", "local"), ("ops", ops) };
        report.Add("first_run_ms", config, new Stats(first, other), "ms");
        report.Add("next_run_ms", config, new Stats(next, other), "ms");
        report.Add("first_run_cpu_ms", config, new Stats(firstCpu, other), "ms");
    }

    // One graph, one session: the first Run's milliseconds (wall, and the process's CPU time: steadier when other
    // processes crowd the cores), then the median of the next runs'.
    private static (double FirstMs, double FirstCpuMs, double NextMs) Trial(int ops)
    {
        var graph = new Graph();
        Tensor x, y;
        using (graph.AsDefault())
        {
            x = TF.Placeholder(DType.Float32, [], name: "x");
            y = x;
            for (int i = 0; i < ops; i++)
                y = TF.Negate(y);
        }
        using var session = new Session(graph, new SessionOptions());
        var feed = new FeedDict { [x] = 1f };
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        float value = session.Run(y, feed).ToScalar<float>();
        double firstMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double firstCpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        float expected = ops % 2 == 0 ? 1f : -1f;
        if (value != expected) throw new InvalidOperationException($"the chain gave {value}, not {expected}");
        var nexts = new double[9];
        for (int i = 0; i < nexts.Length; i++)
        {
            start = Stopwatch.GetTimestamp();
            session.Run(y, feed);
            nexts[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(nexts);
        return (firstMs, firstCpuMs, nexts[nexts.Length / 2]);
    }
}
