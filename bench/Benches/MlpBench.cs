using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// One MLP training step (784-256-256-10, ReLU, softmax cross-entropy, SGD) on a synthetic batch:
// samples/s for the executor alone and, with --mode local, local mode's actors in the same run.
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

        var executor = report.Add("samples_per_s", [("mode", "executor"), ("batch", batch)], Steps(new SessionOptions { ExecutorOnly = true }, batch, steps, trials), "samples/s");
        if (mode == "executor") return;
        var local = report.Add("samples_per_s", [("mode", "local"), ("batch", batch), ("workers", 1), ("ps", 1)], Steps(new SessionOptions(), batch, steps, trials), "samples/s", executor);
        if (mode == "cluster")
        {
            // Processes on loopback: 2 workers and 1 ps by default, beside local mode of this run.
            int clusterWorkers = options.Int("cluster-workers", 2), clusterPs = options.Int("cluster-ps", 1);
            using var cluster = LoopbackCluster.Start(clusterWorkers, clusterPs);
            report.Add("samples_per_s", [("mode", "cluster"), ("batch", batch), ("workers", clusterWorkers), ("ps", clusterPs)],
                Steps(new SessionOptions { Cluster = cluster.Address }, batch, steps, trials), "samples/s", local);
            report.Add("samples_per_s", [("mode", "cluster-sync-dp"), ("batch", batch), ("workers", clusterWorkers), ("ps", clusterPs)],
                Steps(new SessionOptions { Cluster = cluster.Address, DataParallel = new DataParallelism() }, batch, steps, trials), "samples/s", local);
            return;
        }
        if (workers != 1 || ps != 1)
            report.Add("samples_per_s", [("mode", "local"), ("batch", batch), ("workers", workers), ("ps", ps)],
                Steps(new SessionOptions { Workers = workers, ParameterServers = ps }, batch, steps, trials), "samples/s", executor);
    }

    private static Stats Steps(SessionOptions options, int batch, int steps, int trials)
    {
        const int features = 784, hidden = 256, classes = 10;
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, features]);
        var labels = TF.Placeholder(DType.Float32, [-1, classes]);
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
        var train = new GradientDescentOptimizer(0.05).Minimize(loss);
        using var sess = new Session(graph, options);
        sess.Run(TF.GlobalVariablesInitializer());
        var rng = new Random(1);
        var xs = new float[batch * features];
        var ys = new float[batch * classes];
        for (int i = 0; i < xs.Length; i++) xs[i] = rng.NextSingle();
        for (int i = 0; i < batch; i++) ys[i * classes + rng.Next(classes)] = 1;
        var feed = new FeedDict { [x] = NDArray.FromArray(xs, [batch, features]), [labels] = NDArray.FromArray(ys, [batch, classes]) };
        return Measure.Trials(() =>
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++) sess.Run([loss, train], feed);
            return steps * batch / System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        }, warmup: 1, trials);
    }
}
