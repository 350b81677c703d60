using System.Diagnostics;
using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// One MLP training step (784-256-256-10, ReLU, softmax cross-entropy, SGD) on a synthetic batch:
// samples/s for the executor alone and, with --mode local, local mode's actors (with --mode cluster, also
// node processes on loopback), trials interleaved in the same run; with the process's CPU time (steadier than wall time on a crowded machine), the bytes
// allocated and the gen2 collections per step, where local mode's cost hides.
public static class MlpBench
{
    public static void Run(Options options, Report report)
    {
        string mode = options.String("mode", "executor");
        int workers = options.Int("workers", 1), ps = options.Int("ps", 1);
        int batch = options.Int("batch", 128);
        int steps = options.Int("steps", 100);
        int trials = options.Int("trials", 5);
        if (mode is not ("executor" or "local" or "cluster"))
            throw new ArgumentException($"mlp: --mode {mode} is not known; use executor, local or cluster.");

        // --cluster-only: the cluster row alone, for comparing builds of the nodes (run it once per checkout, alternately).
        bool clusterOnly = options.Has("cluster-only");
        if (clusterOnly && mode != "cluster") throw new ArgumentException("mlp: --cluster-only goes with --mode cluster.");
        var configs = new List<((string, object)[] Config, SessionOptions Options)>();
        if (!clusterOnly) configs.Add(([("mode", "executor"), ("batch", batch)], new SessionOptions { ExecutorOnly = true }));
        LoopbackCluster? cluster = null;
        if (mode is "local" || mode is "cluster" && !clusterOnly)
            configs.Add(([("mode", "local"), ("batch", batch), ("workers", 1), ("ps", 1)], new SessionOptions()));
        if (mode == "local" && (workers != 1 || ps != 1))
            configs.Add(([("mode", "local"), ("batch", batch), ("workers", workers), ("ps", ps)],
                new SessionOptions { Workers = workers, ParameterServers = ps }));
        var loops = new List<MlpLoop>();
        try
        {
            if (mode == "cluster")
            {
                // Processes on loopback: 2 workers and 1 ps by default, beside local mode of this run.
                // --coordinator worker (default): the coordinator runs inside the first worker's process, as TF1's
                // master runs inside worker 0; --coordinator node: a node of its own (one process more).
                int clusterWorkers = options.Int("cluster-workers", 2), clusterPs = options.Int("cluster-ps", 1);
                string coordinator = options.String("coordinator", "worker");
                if (coordinator is not ("worker" or "node")) throw new ArgumentException($"mlp: --coordinator {coordinator} is not known; use worker or node.");
                // --profile: the nodes' runtime settings, small-machine (deploy/small-machine.env, default) or dotnet (.NET's defaults).
                string profile = options.String("profile", LoopbackCluster.SmallMachine);
                cluster = LoopbackCluster.Start(clusterWorkers, clusterPs, coordinatorWorks: coordinator == "worker", profile);
                configs.Add(([("mode", "cluster"), ("batch", batch), ("workers", clusterWorkers), ("ps", clusterPs), ("coordinator", coordinator), ("profile", profile)],
                    new SessionOptions { Cluster = cluster.Address }));
                if (!clusterOnly)
                    configs.Add(([("mode", "cluster-sync-dp"), ("batch", batch), ("workers", clusterWorkers), ("ps", clusterPs), ("coordinator", coordinator), ("profile", profile)],
                        new SessionOptions { Cluster = cluster.Address, DataParallel = new DataParallelism() }));
            }
            foreach (var c in configs) loops.Add(new MlpLoop(c.Options, batch, steps));
            var stats = Measure.Interleaved(loops.Select(l => (Func<double>)l.Trial).ToList(), warmup: 1, trials);
            // Executor rows are the baseline of local ones; cluster rows are compared with local mode.
            Row? executor = null, local = null;
            for (int i = 0; i < loops.Count; i++)
            {
                bool clustered = configs[i].Options.Cluster is not null;
                var row = report.Add("samples_per_s", configs[i].Config, stats[i], "samples/s", clustered ? local : executor);
                executor ??= row;
                if (i == 1) local = row;
            }
            // Trial by trial against the executor's trial of the same round: steadier than a ratio of medians under drifting load.
            for (int i = 1; i < loops.Count; i++)
                report.Add("paired_ratio", configs[i].Config, new Stats(stats[i].Values.Select((v, t) => v / stats[0].Values[t]).ToArray(), stats[i].OtherLoad), "x");
            for (int i = 0; i < loops.Count; i++)
                report.Add("cpu_per_step", configs[i].Config, new Stats(loops[i].CpuMsPerStep, stats[i].OtherLoad), "ms");
            for (int i = 0; i < loops.Count; i++)
                report.Add("allocated_per_step", configs[i].Config, new Stats(loops[i].KiBPerStep, stats[i].OtherLoad), "KiB");
            for (int i = 0; i < loops.Count; i++)
                report.Add("gen2_per_100_steps", configs[i].Config, new Stats(loops[i].Gen2Per100Steps, stats[i].OtherLoad), "GCs");
        }
        finally
        {
            foreach (var loop in loops) loop.Dispose();
            cluster?.Dispose();
        }
    }

    // The MLP features-hidden-hidden-classes (ReLU, softmax cross-entropy, SGD at 0.05) on the default graph; bench
    // `input` trains the same model on a Dataset's batches.
    internal static (Tensor Loss, Operation Train) Model(Tensor x, Tensor labels, int features, int hidden, int classes)
    {
        var w1 = TF.GetVariable("w1", [features, hidden], initializer: TF.GlorotUniformInitializer(seed: 1));
        var b1 = TF.GetVariable("b1", [hidden], initializer: TF.ZerosInitializer());
        var w2 = TF.GetVariable("w2", [hidden, hidden], initializer: TF.GlorotUniformInitializer(seed: 2));
        var b2 = TF.GetVariable("b2", [hidden], initializer: TF.ZerosInitializer());
        var w3 = TF.GetVariable("w3", [hidden, classes], initializer: TF.GlorotUniformInitializer(seed: 3));
        var b3 = TF.GetVariable("b3", [classes], initializer: TF.ZerosInitializer());
        var h1 = TF.Relu(TF.MatMul(x, w1) + b1);
        var h2 = TF.Relu(TF.MatMul(h1, w2) + b2);
        var logits = TF.MatMul(h2, w3) + b3;
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        return (loss, new GradientDescentOptimizer(0.05).Minimize(loss));
    }

    private sealed class MlpLoop : IDisposable
    {
        private readonly int _batch, _steps;
        private readonly Session _session;
        private readonly Tensor _loss;
        private readonly Operation _train;
        private readonly FeedDict _feed;

        public MlpLoop(SessionOptions options, int batch, int steps)
        {
            const int features = 784, hidden = 256, classes = 10;
            (_batch, _steps) = (batch, steps);
            var graph = new Graph();
            using var scope = graph.AsDefault();
            var x = TF.Placeholder(DType.Float32, [-1, features]);
            var labels = TF.Placeholder(DType.Float32, [-1, classes]);
            (_loss, _train) = Model(x, labels, features, hidden, classes);
            _session = new Session(graph, options);
            _session.Run(TF.GlobalVariablesInitializer());
            var rng = new Random(1);
            var xs = new float[batch * features];
            var ys = new float[batch * classes];
            for (int i = 0; i < xs.Length; i++) xs[i] = rng.NextSingle();
            for (int i = 0; i < batch; i++) ys[i * classes + rng.Next(classes)] = 1;
            _feed = new FeedDict { [x] = NDArray.FromArray(xs, [batch, features]), [labels] = NDArray.FromArray(ys, [batch, classes]) };
        }

        public List<double> KiBPerStep { get; } = [];
        public List<double> CpuMsPerStep { get; } = [];
        public List<double> Gen2Per100Steps { get; } = [];

        public double Trial()
        {
            long allocated = GC.GetTotalAllocatedBytes(), gen2 = GC.CollectionCount(2);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < _steps; i++) _session.Run([_loss, _train], _feed);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            CpuMsPerStep.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / _steps);
            KiBPerStep.Add((GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / _steps);
            Gen2Per100Steps.Add((GC.CollectionCount(2) - gen2) * 100.0 / _steps);
            return _steps * _batch / seconds;
        }

        public void Dispose() => _session.Dispose();
    }
}
