using System.Diagnostics;
using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// A WhileLoop of N scalar iterations (i < N: i + 1), µs per iteration: the cost of running a loop's
// condition and body as sub-plans once each per iteration, in the executor alone and in local mode
// (where the loop runs whole on one worker). Trials of the two modes interleaved.
public static class LoopBench
{
    public static void Run(Options options, Report report)
    {
        int iterations = options.Int("iterations", 10_000);
        int trials = options.Int("trials", 7), warmup = options.Int("warmup", 2);
        string mode = options.String("mode", "executor,local");
        if (iterations < 1) throw new ArgumentException($"loop: --iterations {iterations} must be at least 1.");
        var modes = mode.Split(',');
        foreach (var m in modes)
            if (m is not ("executor" or "local"))
                throw new ArgumentException($"loop: --mode {m} is not known; use executor, local or executor,local.");

        var loops = modes.Select(m => new Loop(new SessionOptions { ExecutorOnly = m == "executor" }, iterations)).ToList();
        try
        {
            var stats = Measure.Interleaved(loops.Select(l => (Func<double>)l.Trial).ToArray(), warmup, trials);
            for (int i = 0; i < modes.Length; i++)
                report.Add("us_per_iteration", [("mode", modes[i]), ("iterations", iterations)], stats[i], "us");
        }
        finally
        {
            foreach (var loop in loops) loop.Dispose();
        }
    }

    private sealed class Loop : IDisposable
    {
        private readonly int _iterations;
        private readonly Session _session;
        private readonly Tensor _result;

        public Loop(SessionOptions options, int iterations)
        {
            _iterations = iterations;
            var graph = new Graph();
            using (graph.AsDefault())
            {
                var limit = TF.Constant(iterations);
                _result = TF.WhileLoop(v => TF.Less(v[0], limit), v => [v[0] + TF.Constant(1)], [TF.Constant(0)])[0];
            }
            _session = new Session(graph, options);
        }

        public double Trial()
        {
            long start = Stopwatch.GetTimestamp();
            int counted = _session.Run(_result).ToScalar<int>();
            double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / _iterations;
            if (counted != _iterations) throw new InvalidOperationException($"the loop counted {counted}, not {_iterations}");
            return us;
        }

        public void Dispose() => _session.Dispose();
    }
}
