using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// One training step of the Fashion-MNIST recurrent network (RnnGraph) on a synthetic batch, in local mode:
// samples/s with the cell stepped by a WhileLoop beside the same cell unrolled 28 times, trials interleaved,
// with the CPU time per step beside them (steadier than wall time on a crowded machine).
public static class RnnBench
{
    public static void Run(Options options, Report report)
    {
        int batch = options.Int("batch", 100);
        int steps = options.Int("steps", 10);
        int trials = options.Int("trials", 5);
        if (batch <= 0 || steps <= 0 || trials <= 0)
            throw new ArgumentException($"rnn: --batch, --steps and --trials must be positive, got {batch}, {steps}, {trials}.");

        var (pixels, oneHot, _) = CnnGraph.SyntheticBatch(batch);
        string[] variants = ["while_loop", "unrolled"];
        var loops = new List<TrainingStepLoop>();
        try
        {
            foreach (var v in variants)
            {
                var m = RnnGraph.Build(v == "unrolled", batch, pixels, oneHot);
                loops.Add(new TrainingStepLoop(m.Graph, m.Init, m.Loss, m.Train, m.Feed, new SessionOptions(), batch, steps));
            }
            var stats = Measure.Interleaved(loops.Select(l => (Func<double>)l.Trial).ToList(), warmup: 1, trials);
            Row? unrolled = null;
            for (int i = variants.Length - 1; i >= 0; i--)
            {
                var row = report.Add("samples_per_s", [("mode", "local"), ("variant", variants[i]), ("batch", batch)], stats[i], "samples/s", unrolled);
                unrolled ??= row;
            }
            for (int i = 0; i < loops.Count; i++)
                report.Add("cpu_per_step", [("mode", "local"), ("variant", variants[i]), ("batch", batch)], new Stats(loops[i].CpuMsPerStep, stats[i].OtherLoad), "ms");
        }
        finally
        {
            foreach (var loop in loops) loop.Dispose();
        }
    }
}
