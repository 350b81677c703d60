using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// The seed's training loop (y = m·x + b, two scalar variables, GradientDescent) through
// Session.Run: µs per step. Baselines in the same run: the executor alone, and a hand-written
// float loop doing the same arithmetic (the floor no graph runtime can beat).
public static class SeedLoopBench
{
    public static void Run(Options options, Report report)
    {
        string mode = options.String("mode", "executor");
        int workers = options.Int("workers", 1), ps = options.Int("ps", 1);
        int steps = options.Int("steps", 100_000);
        int trials = options.Int("trials", 5);
        if (mode is not ("executor" or "local"))
            throw new ArgumentException($"seed-loop: --mode {mode} is not known; use executor or local.");

        var floor = report.Add("us_per_step", [("mode", "float-loop")], Measure.Trials(() => FloatLoop(steps), 1, trials), "us");
        var executor = report.Add("us_per_step", [("mode", "executor")], Loop(new SessionOptions { ExecutorOnly = true }, steps, trials), "us", floor);
        if (mode != "local") return;
        report.Add("us_per_step", [("mode", "local"), ("workers", 1), ("ps", 1)], Loop(new SessionOptions(), steps, trials), "us", executor);
        if (workers != 1 || ps != 1)
            report.Add("us_per_step", [("mode", "local"), ("workers", workers), ("ps", ps)],
                Loop(new SessionOptions { Workers = workers, ParameterServers = ps }, steps, trials), "us", executor);
    }

    private static Stats Loop(SessionOptions options, int steps, int trials)
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
        return Measure.Trials(() =>
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                float input = rng.NextSingle();
                sess.Run([loss, trainOp], new FeedDict { [x] = input, [y] = 0.3f * input + 0.7f });
            }
            return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        }, warmup: 1, trials);
    }

    // The same model and update, as plain C#.
    private static double FloatLoop(int steps)
    {
        var rng = new Random(1);
        float m = 0, b = 0;
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++)
        {
            float input = rng.NextSingle(), target = 0.3f * input + 0.7f;
            float error = target - (m * input + b);
            m += 1e-3f * 2 * error * input;
            b += 1e-3f * 2 * error;
        }
        double us = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        if (float.IsNaN(m + b)) throw new InvalidOperationException("diverged");
        return us;
    }
}
