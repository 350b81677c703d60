using System.Diagnostics;

namespace ActorGraph.Bench.Benches;

// An MLP training step (MatMul, Relu, softmax cross-entropy, GradientDescent) on random batches:
// samples/s for the executor alone and for local mode's actors, in the same run.
public static class MlpBench
{
    public static int Run(string[] args)
    {
        string mode = Option(args, "--mode", "local");
        int workers = int.Parse(Option(args, "--workers", "1"));
        int ps = int.Parse(Option(args, "--ps", "1"));
        int steps = int.Parse(Option(args, "--steps", "300"));
        int trials = int.Parse(Option(args, "--trials", "5"));
        int batch = int.Parse(Option(args, "--batch", "64"));
        if (mode != "local")
        {
            Console.Error.WriteLine($"mlp: mode '{mode}' is not supported yet; use --mode local.");
            return 2;
        }
        Console.WriteLine($"mlp 784-256-10, batch {batch}: {steps} steps per trial, median of {trials} trials (samples/s)");
        var baseline = Measure(new SessionOptions { ExecutorOnly = true }, steps, trials, batch);
        Report("executor alone", baseline, baseline);
        Report("local 1 worker / 1 ps", Measure(new SessionOptions(), steps, trials, batch), baseline);
        if (workers != 1 || ps != 1)
            Report($"local {workers} workers / {ps} ps", Measure(new SessionOptions { Workers = workers, ParameterServers = ps }, steps, trials, batch), baseline);
        return 0;
    }

    private static double[] Measure(SessionOptions options, int steps, int trials, int batch)
    {
        const int features = 784, hidden = 256, classes = 10;
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, features]);
        var labels = TF.Placeholder(DType.Float32, [-1, classes]);
        var w1 = TF.GetVariable("w1", [features, hidden], initializer: TF.GlorotUniformInitializer(seed: 1));
        var b1 = TF.GetVariable("b1", [hidden], initializer: TF.ZerosInitializer());
        var w2 = TF.GetVariable("w2", [hidden, classes], initializer: TF.GlorotUniformInitializer(seed: 2));
        var b2 = TF.GetVariable("b2", [classes], initializer: TF.ZerosInitializer());
        var logits = TF.MatMul(TF.Relu(TF.MatMul(x, w1) + b1), w2) + b2;
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
        for (int i = 0; i < Math.Max(10, steps / 5); i++) sess.Run([loss, train], feed);
        var results = new double[trials];
        for (int t = 0; t < trials; t++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) sess.Run([loss, train], feed);
            results[t] = steps * batch / clock.Elapsed.TotalSeconds;
        }
        return results;
    }

    private static void Report(string name, double[] samplesPerSecond, double[] baseline)
    {
        Array.Sort(samplesPerSecond);
        double median = samplesPerSecond[samplesPerSecond.Length / 2];
        double ratio = median / baseline.Order().ElementAt(baseline.Length / 2);
        Console.WriteLine($"  {name,-24} median {median,10:F0}  min {samplesPerSecond[0],10:F0}  max {samplesPerSecond[^1],10:F0}  ({ratio:F2}× executor)");
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
