using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// The click-through model's training step (EmbeddingGraph: 26 Zipf fields into a rows x 16 table, 416-256-128-1 MLP,
// per-id linear weights) at several table sizes: samples/s in local mode (1 worker, the tables' parts over --ps
// parameter servers) and, with --mode cluster, on a loopback cluster of node processes. In local mode also the
// tensor bytes a step moves between the worker and the shards (the shards' counters), beside the bound they must
// stay under: 1.5 x (unique ids x 16 x 4 bytes x 2 ways + ids x 8 bytes); the tables' part of them, which the bound
// is about; and the part that is dense weights lent uncopied to the worker in the same process.
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
        if (rowsList.Any(r => r < 2 * EmbeddingGraph.Fields)) throw new ArgumentException($"embedding: --rows must each be at least {2 * EmbeddingGraph.Fields} (two ids per field).");
        foreach (int rows in rowsList)
        {
            // A cluster of its own per table size: parameter servers keep a closed session's variables (sessions of
            // one cluster share them by name), so the tables of the sizes before would stay beside this one's.
            using var cluster = mode == "cluster" ? LoopbackCluster.Start(workers, ps, coordinatorWorks: true) : null;
            var batches = EmbeddingBatches.Draw(rows, batch, count: 8);
            var config = new (string, object)[] { ("mode", mode), ("rows", rows), ("batch", batch), ("workers", workers), ("ps", ps), ("parts", parts), ("optimizer", optimizer) };
            var sessionOptions = cluster is null ? new SessionOptions { Workers = workers, ParameterServers = ps } : new SessionOptions { Cluster = cluster.Address };
            Console.Error.WriteLine($"embedding: {rows:N0} rows, building and initializing the tables");
            double unique = batches.UniqueIdsPerBatch, ids = batch * EmbeddingGraph.Fields;
            double bound = 1.5 * (unique * EmbeddingGraph.Dimension * 4 * 2 + ids * 8);
            using var loop = new EmbeddingLoop(EmbeddingGraph.Build(batches, parts, optimizer), sessionOptions, steps, batch);
            var stats = Measure.Trials(loop.Trial, warmup: 1, trials);
            report.Add("samples_per_s", config, stats, "samples/s");
            if (loop.BytesPerStep.Count > 0)
            {
                (string, object)[] counts = [.. config, ("unique_ids", Math.Round(unique)), ("ids", ids), ("bound", Math.Round(bound))];
                report.Add("bytes_per_step", counts, new Stats(loop.BytesPerStep.TakeLast(trials).ToArray(), stats.OtherLoad), "bytes");
                // The bound's part (the tables' ids and rows each way), and the dense weights' reads that a worker
                // in this process borrows uncopied (on a cluster a held copy turns them into versions alone).
                report.Add("table_bytes_per_step", counts, new Stats(loop.RowBytesPerStep.TakeLast(trials).ToArray(), stats.OtherLoad), "bytes");
                report.Add("lent_bytes_per_step", config, new Stats(loop.LentBytesPerStep.TakeLast(trials).ToArray(), stats.OtherLoad), "bytes");
            }
            else report.Add("bytes_per_step_bound", [.. config, ("unique_ids", Math.Round(unique)), ("ids", ids)], new Stats([bound]), "bytes");
        }
    }
}
