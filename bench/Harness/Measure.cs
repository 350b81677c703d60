using System.Diagnostics;
using System.Runtime.InteropServices;

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

// Common settings, overridable on every bench's command line. ThreadCpuClock (--clock thread-cpu) times by the
// calling thread's CPU time, which preemption by other processes does not advance: steadier single-thread
// figures on a shared machine, meaningless for bodies that hand work to other threads.
public sealed record MeasureOptions(int Warmup = 2, int Trials = 7, double MinTrialSeconds = 0.2, bool ThreadCpuClock = false)
{
    public static MeasureOptions From(Options options, MeasureOptions? defaults = null)
    {
        defaults ??= new MeasureOptions();
        string clock = options.String("clock", defaults.ThreadCpuClock ? "thread-cpu" : "wall");
        if (clock is not ("wall" or "thread-cpu"))
            throw new ArgumentException($"--clock is wall or thread-cpu, not '{clock}'");
        if (clock == "thread-cpu" && !OperatingSystem.IsLinux())
            throw new ArgumentException("--clock thread-cpu needs Linux");
        return new MeasureOptions(
            options.Int("warmup", defaults.Warmup),
            options.Int("trials", defaults.Trials),
            options.Double("min-trial-ms", defaults.MinTrialSeconds * 1000) / 1000,
            clock == "thread-cpu");
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
        Func<double> clock = options.ThreadCpuClock ? ThreadCpuSeconds : WallSeconds;
        long reps = Calibrate(body, options.MinTrialSeconds, clock);
        for (int i = 0; i < options.Warmup; i++)
            Time(body, reps, clock);
        reps = Calibrate(body, options.MinTrialSeconds, clock);
        return Trials(() => Time(body, reps, clock) / reps, 0, options.Trials);
    }

    static long Calibrate(Action body, double minSeconds, Func<double> clock)
    {
        long reps = 1;
        while (true)
        {
            double seconds = Time(body, reps, clock);
            if (seconds >= minSeconds / 4)
                return Math.Max(1, (long)Math.Ceiling(reps * minSeconds / seconds));
            reps *= 4;
        }
    }

    static double Time(Action body, long reps, Func<double> clock)
    {
        double start = clock();
        for (long i = 0; i < reps; i++)
            body();
        return clock() - start;
    }

    static double WallSeconds() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    static double ThreadCpuSeconds()
    {
        const int ClockThreadCpuTime = 3;
        clock_gettime(ClockThreadCpuTime, out var t);
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc")]
    static extern int clock_gettime(int clock, out TimeSpec time);
}
