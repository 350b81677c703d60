using System.Diagnostics;
using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// The seed's training loop (y = m·x + b, two scalar variables, GradientDescent) through
// Session.Run: µs per step. Baselines in the same run, trials interleaved with the sessions': the
// executor alone, and a hand-written float loop doing the same arithmetic (the floor no graph runtime can beat).
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

        var configs = new List<((string, object)[] Config, SessionOptions Options)>
        {
            ([("mode", "executor")], new SessionOptions { ExecutorOnly = true }),
        };
        if (mode == "local")
        {
            configs.Add(([("mode", "local"), ("workers", 1), ("ps", 1)], new SessionOptions()));
            if (workers != 1 || ps != 1)
                configs.Add(([("mode", "local"), ("workers", workers), ("ps", ps)], new SessionOptions { Workers = workers, ParameterServers = ps }));
        }
        var loops = configs.Select(c => new SeedLoop(c.Options, steps)).ToList();
        try
        {
            var stats = Measure.Interleaved([() => FloatLoop(steps), .. loops.Select(l => (Func<double>)l.Trial)], warmup: 1, trials);
            var floor = report.Add("us_per_step", [("mode", "float-loop")], stats[0], "us");
            Row? executor = null;
            for (int i = 0; i < loops.Count; i++)
            {
                var row = report.Add("us_per_step", configs[i].Config, stats[i + 1], "us", executor ?? floor);
                executor ??= row;
            }
            Row? executorCpu = null;
            for (int i = 0; i < loops.Count; i++)
            {
                var row = report.Add("cpu_us_per_step", configs[i].Config, new Stats(loops[i].CpuUsPerStep, stats[i + 1].OtherLoad), "us", executorCpu);
                executorCpu ??= row;
            }
        }
        finally
        {
            foreach (var loop in loops) loop.Dispose();
        }
    }

    private sealed class SeedLoop : IDisposable
    {
        private readonly int _steps;
        private readonly Session _session;
        private readonly Tensor _loss, _x, _y;
        private readonly Operation _train;
        private readonly Random _rng = new(1);

        public SeedLoop(SessionOptions options, int steps)
        {
            _steps = steps;
            var graph = new Graph();
            using var scope = graph.AsDefault();
            var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
            var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
            var init = TF.GlobalVariablesInitializer();
            _x = TF.Placeholder(DType.Float32);
            _y = TF.Placeholder(DType.Float32);
            _loss = TF.Square(_y - (m * _x + b));
            _train = new GradientDescentOptimizer(1e-3).Minimize(_loss);
            _session = new Session(graph, options);
            _session.Run(init);
        }

        // The process's CPU time: steadier than wall time when other processes crowd the cores.
        public List<double> CpuUsPerStep { get; } = [];

        public double Trial()
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < _steps; i++)
            {
                float input = _rng.NextSingle();
                _session.Run([_loss, _train], new FeedDict { [_x] = input, [_y] = 0.3f * input + 0.7f });
            }
            double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / _steps;
            CpuUsPerStep.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / _steps);
            return us;
        }

        public void Dispose() => _session.Dispose();
    }

    // The same model and update, as plain C#.
    private static double FloatLoop(int steps)
    {
        var rng = new Random(1);
        float m = 0, b = 0;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++)
        {
            float input = rng.NextSingle(), target = 0.3f * input + 0.7f;
            float error = target - (m * input + b);
            m += 1e-3f * 2 * error * input;
            b += 1e-3f * 2 * error;
        }
        double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        if (float.IsNaN(m + b)) throw new InvalidOperationException("diverged");
        return us;
    }
}
