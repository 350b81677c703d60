using ActorGraph.Bench.Harness;
using ActorGraph.Execution;

namespace ActorGraph.Bench.Benches;

// One training step of the Fashion-MNIST CNN (CnnGraph) on a synthetic batch: samples/s for the executor
// alone and, with --mode local, local mode's actors, trials interleaved in the same run, with the CPU time
// per step beside it (steadier than wall time on a crowded machine).
public static class CnnBench
{
    public static void Run(Options options, Report report)
    {
        string mode = options.String("mode", "local");
        int batch = options.Int("batch", 100);
        int steps = options.Int("steps", 10);
        int trials = options.Int("trials", 5);
        bool profile = options.Has("profile");
        if (mode is not ("executor" or "local"))
            throw new ArgumentException($"cnn: --mode {mode} is not known; use executor or local (local runs both).");
        if (batch <= 0 || steps <= 0 || trials <= 0)
            throw new ArgumentException($"cnn: --batch, --steps and --trials must be positive, got {batch}, {steps}, {trials}.");

        var (pixels, oneHot, _) = CnnGraph.SyntheticBatch(batch);
        var configs = new List<((string, object)[] Config, SessionOptions Options)>
        {
            ([("mode", "executor"), ("batch", batch)], new SessionOptions { ExecutorOnly = true }),
        };
        if (mode == "local") configs.Add(([("mode", "local"), ("batch", batch), ("workers", 1), ("ps", 1)], new SessionOptions()));
        var loops = new List<TrainingStepLoop>();
        try
        {
            foreach (var c in configs) loops.Add(Loop(CnnGraph.Build(batch, pixels, oneHot), c.Options, batch, steps));
            var stats = Measure.Interleaved(loops.Select(l => (Func<double>)l.Trial).ToList(), warmup: 1, trials);
            Row? executor = null;
            for (int i = 0; i < loops.Count; i++)
            {
                var row = report.Add("samples_per_s", configs[i].Config, stats[i], "samples/s", executor);
                executor ??= row;
            }
            for (int i = 0; i < loops.Count; i++)
                report.Add("cpu_per_step", configs[i].Config, new Stats(loops[i].CpuMsPerStep, stats[i].OtherLoad), "ms");
            if (profile) Profile(loops[0], report, batch, steps);
        }
        finally
        {
            foreach (var loop in loops) loop.Dispose();
        }
    }

    private static TrainingStepLoop Loop(CnnGraph m, SessionOptions options, int batch, int steps) =>
        new(m.Graph, m.Init, m.Loss, m.Train, m.Feed, options, batch, steps);

    // Wall time per op type, and of the ops that take the most, over `steps` executor steps (kernels timed
    // one by one): ms per step, most first.
    private static void Profile(TrainingStepLoop executor, Report report, int batch, int steps)
    {
        OpProfile.Start();
        double total;
        IReadOnlyList<(string Name, string Type, double Milliseconds, long Calls)> times;
        try
        {
            total = 1000.0 * batch / executor.Trial();
        }
        finally
        {
            times = OpProfile.Stop();
        }
        foreach (var type in times.GroupBy(t => t.Type).OrderByDescending(g => g.Sum(t => t.Milliseconds)))
            report.Add("type_ms_per_step", [("mode", "executor"), ("op", type.Key), ("ops", type.Count())], new Stats([type.Sum(t => t.Milliseconds) / steps]), "ms");
        foreach (var op in times.Take(12))
            report.Add("op_ms_per_step", [("mode", "executor"), ("op", $"{op.Name} ({op.Type})"), ("ops", 1)], new Stats([op.Milliseconds / steps]), "ms");
        report.Add("step_ms", [("mode", "executor"), ("op", "(whole step)")], new Stats([total]), "ms");
    }
}
