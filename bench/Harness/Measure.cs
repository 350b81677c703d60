using System.Diagnostics;

namespace ActorGraph.Bench.Harness;

// OtherLoad: average cores other processes kept busy during the trials (null when unknown).
public sealed record Stats(IReadOnlyList<double> Values, double? OtherLoad = null)
{
    public double Median
    {
        get
        {
            var sorted = Values.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    public double Min => Values.Min();
    public double Max => Values.Max();

    // Applied per trial, not to the summary, so that median/min/max stay right for decreasing maps such as 1/x.
    public Stats Map(Func<double, double> f) => new(Values.Select(f).ToArray(), OtherLoad);
}

// Common settings, overridable on every bench's command line.
public sealed record MeasureOptions(int Warmup = 2, int Trials = 7, double MinTrialSeconds = 0.2)
{
    public static MeasureOptions From(Options options, MeasureOptions? defaults = null)
    {
        defaults ??= new MeasureOptions();
        return new MeasureOptions(
            options.Int("warmup", defaults.Warmup),
            options.Int("trials", defaults.Trials),
            options.Double("min-trial-ms", defaults.MinTrialSeconds * 1000) / 1000);
    }
}

public static class Measure
{
    // Bodies that yield their own figure per trial (e.g. steps/s of a training run): warm-up runs are discarded.
    // helpers: child processes working for the trial, whose CPU is not counted as other load.
    public static Stats Trials(Func<double> trial, int warmup, int trials, IReadOnlyList<Process>? helpers = null)
    {
        for (int i = 0; i < warmup; i++)
            trial();
        var load = CpuLoad.Start(helpers);
        var values = new double[trials];
        for (int i = 0; i < trials; i++)
            values[i] = trial();
        return new Stats(values, load?.OtherCores());
    }

    // A/B on a shared machine: one trial of each body in turn, round after round, so that load drifting
    // during the run lands on every body alike. One Stats per body, in order; other load is the whole run's.
    public static Stats[] Interleaved(IReadOnlyList<Func<double>> bodies, int warmup, int trials)
    {
        for (int i = 0; i < warmup; i++)
            foreach (var body in bodies) body();
        var load = CpuLoad.Start();
        var values = bodies.Select(_ => new double[trials]).ToArray();
        for (int i = 0; i < trials; i++)
            for (int b = 0; b < bodies.Count; b++)
                values[b][i] = bodies[b]();
        double? other = load?.OtherCores();
        return values.Select(v => new Stats(v, other)).ToArray();
    }

    // Seconds per call of a short body. Each trial repeats the body enough times to last MinTrialSeconds, so
    // timer resolution and one-off hiccups stay small; the warm-up trials also give tiered JIT time to reach tier 1.
    public static Stats SecondsPerCall(Action body, MeasureOptions options)
    {
        body();
        long reps = Calibrate(body, options.MinTrialSeconds);
        for (int i = 0; i < options.Warmup; i++)
            Time(body, reps);
        reps = Calibrate(body, options.MinTrialSeconds);
        return Trials(() => Time(body, reps) / reps, 0, options.Trials);
    }

    static long Calibrate(Action body, double minSeconds)
    {
        long reps = 1;
        while (true)
        {
            double seconds = Time(body, reps);
            if (seconds >= minSeconds / 4)
                return Math.Max(1, (long)Math.Ceiling(reps * minSeconds / seconds));
            reps *= 4;
        }
    }

    static double Time(Action body, long reps)
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < reps; i++)
            body();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
