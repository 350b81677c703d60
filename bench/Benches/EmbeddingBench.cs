using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// The click-through model's training step (EmbeddingGraph: 26 Zipf fields into a rows x 16 table, 416-256-128-1 MLP,
// per-id linear weights) at several table sizes: samples/s in local mode (1 worker, the tables' parts over --ps
// parameter servers) and, with --mode cluster, on a loopback cluster of node processes. In local mode also the
// tensor bytes a step moves between the worker and the shards (the shards' counters), beside the bound they must
// stay under: 1.5 x (unique ids x 16 x 4 bytes x 2 ways + ids x 8 bytes); the tables' part of them, which the bound
// is about; and the part that is dense weights lent uncopied to the worker in the same process.
//
// In local mode every size's session is built first and their trials run in turn (--interleave false: one size after
// the other), so the step-time growth between sizes (the ratio column, against the first size) is not hidden by the
// process warming up during the first size or by load drifting during the run.
public static class EmbeddingBench
{
    public static void Run(Options options, Report report)
    {
        string mode = options.String("mode", "local");
        if (mode is not ("local" or "cluster")) throw new ArgumentException($"embedding: --mode {mode} is not known; use local or cluster.");
        int[] rowsList = options.Ints("rows", 10_000, 1_000_000, 10_000_000);
        int batch = options.Int("batch", 512), steps = options.Int("steps", 20), trials = options.Int("trials", 5);
        int ps = options.Int("ps", 2), parts = options.Int("parts", ps), workers = options.Int("workers", 1);
        string optimizer = options.String("optimizer", "adagrad");
        bool interleave = mode == "local" && options.Bool("interleave", true);
        if (rowsList.Any(r => r < 2 * EmbeddingGraph.Fields)) throw new ArgumentException($"embedding: --rows must each be at least {2 * EmbeddingGraph.Fields} (two ids per field).");
        var sizes = new List<Size>();
        try
        {
            foreach (int rows in rowsList)
            {
                var size = Size.Start(mode, rows, batch, steps, workers, ps, parts, optimizer);
                if (interleave)
                {
                    sizes.Add(size);
                    continue;
                }
                using (size) size.Report(report, Measure.Trials(size.Loop.Trial, warmup: 1, trials), trials, baseline: null);
            }
            if (!interleave) return;
            var stats = Measure.Interleaved([.. sizes.Select(s => (Func<double>)s.Loop.Trial)], warmup: 1, trials);
            Row? first = null;
            for (int i = 0; i < sizes.Count; i++)
            {
                var row = sizes[i].Report(report, stats[i], trials, first);
                first ??= row;
            }
        }
        finally
        {
            foreach (var size in sizes) size.Dispose();
        }
    }

    // One table size's session (and, on a cluster, its own cluster) with its trial loop.
    private sealed record Size(EmbeddingLoop Loop, LoopbackCluster? Cluster, (string, object)[] Config, double Unique, double Ids) : IDisposable
    {
        public static Size Start(string mode, int rows, int batch, int steps, int workers, int ps, int parts, string optimizer)
        {
            // A cluster of its own per table size: parameter servers keep a closed session's variables (sessions of
            // one cluster share them by name), so the tables of the sizes before would stay beside this one's.
            var cluster = mode == "cluster" ? LoopbackCluster.Start(workers, ps, coordinatorWorks: true) : null;
            try
            {
                var batches = EmbeddingBatches.Draw(rows, batch, count: 8);
                (string, object)[] config = [("mode", mode), ("rows", rows), ("batch", batch), ("workers", workers), ("ps", ps), ("parts", parts), ("optimizer", optimizer)];
                var sessionOptions = cluster is null ? new SessionOptions { Workers = workers, ParameterServers = ps } : new SessionOptions { Cluster = cluster.Address };
                Console.Error.WriteLine($"embedding: {rows:N0} rows, building and initializing the tables");
                var loop = new EmbeddingLoop(EmbeddingGraph.Build(batches, parts, optimizer), sessionOptions, steps, batch);
                return new Size(loop, cluster, config, batches.UniqueIdsPerBatch, batch * EmbeddingGraph.Fields);
            }
            catch
            {
                cluster?.Dispose();
                throw;
            }
        }

        public Row Report(Report report, Stats stats, int trials, Row? baseline)
        {
            double bound = 1.5 * (Unique * EmbeddingGraph.Dimension * 4 * 2 + Ids * 8);
            var row = report.Add("samples_per_s", Config, stats, "samples/s", baseline);
            if (Loop.BytesPerStep.Count > 0)
            {
                (string, object)[] counts = [.. Config, ("unique_ids", Math.Round(Unique)), ("ids", Ids), ("bound", Math.Round(bound))];
                report.Add("bytes_per_step", counts, new Stats(Loop.BytesPerStep.TakeLast(trials).ToArray(), stats.OtherLoad), "bytes");
                // The bound's part (the tables' ids and rows each way), and the dense weights' reads that a worker
                // in this process borrows uncopied (on a cluster a held copy turns them into versions alone).
                report.Add("table_bytes_per_step", counts, new Stats(Loop.RowBytesPerStep.TakeLast(trials).ToArray(), stats.OtherLoad), "bytes");
                report.Add("lent_bytes_per_step", Config, new Stats(Loop.LentBytesPerStep.TakeLast(trials).ToArray(), stats.OtherLoad), "bytes");
            }
            else report.Add("bytes_per_step_bound", [.. Config, ("unique_ids", Math.Round(Unique)), ("ids", Ids)], new Stats([bound]), "bytes");
            return row;
        }

        public void Dispose()
        {
            Loop.Dispose();
            Cluster?.Dispose();
        }
    }
}
