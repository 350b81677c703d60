using System.Diagnostics;

namespace ActorGraph.Bench.Benches;

// The seed's training loop (y = m·x + b, two scalar variables, GradientDescent): µs per step for
// the executor alone and for local mode's actors, measured in the same run.
public static class SeedLoopBench
{
    public static int Run(string[] args)
    {
        string mode = Option(args, "--mode", "local");
        int workers = int.Parse(Option(args, "--workers", "2"));
        int ps = int.Parse(Option(args, "--ps", "2"));
        int steps = int.Parse(Option(args, "--steps", "200000"));
        int trials = int.Parse(Option(args, "--trials", "5"));
        if (mode != "local")
        {
            Console.Error.WriteLine($"seed-loop: mode '{mode}' is not supported yet; use --mode local.");
            return 2;
        }
        Console.WriteLine($"seed-loop: {steps} steps per trial, median of {trials} trials (µs/step)");
        Report("executor alone", Measure(new SessionOptions { ExecutorOnly = true }, steps, trials));
        Report("local 1 worker / 1 ps", Measure(new SessionOptions(), steps, trials));
        if (workers != 1 || ps != 1)
            Report($"local {workers} workers / {ps} ps", Measure(new SessionOptions { Workers = workers, ParameterServers = ps }, steps, trials));
        return 0;
    }

    private static double[] Measure(SessionOptions options, int steps, int trials)
    {
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var loss = TF.Square(y - (m * x + b));
        var trainOp = new GradientDescentOptimizer(1e-3).Minimize(loss);
        using var sess = new Session(graph, options);
        sess.Run(init);
        var rng = new Random(1);
        void Loop(int n)
        {
            for (int i = 0; i < n; i++)
            {
                float input = rng.NextSingle();
                sess.Run([loss, trainOp], new FeedDict { [x] = input, [y] = 0.3f * input + 0.7f });
            }
        }
        Loop(Math.Min(steps, 20_000));
        var results = new double[trials];
        for (int t = 0; t < trials; t++)
        {
            var clock = Stopwatch.StartNew();
            Loop(steps);
            results[t] = clock.Elapsed.TotalMicroseconds / steps;
        }
        return results;
    }

    private static void Report(string name, double[] perStep)
    {
        Array.Sort(perStep);
        Console.WriteLine($"  {name,-24} median {perStep[perStep.Length / 2],7:F2}  min {perStep[0],7:F2}  max {perStep[^1],7:F2}");
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
