using System.Diagnostics;

namespace ActorGraph.Execution;

// Opt-in wall time per op of the kernels this process runs (bench `cnn --profile`): a stopwatch around each
// kernel call while started; one static read per op while not. Ops are told apart by name and type.
internal static class OpProfile
{
    private static Dictionary<(string Name, string Type), (long Ticks, long Calls)>? s_times;

    public static bool On => Volatile.Read(ref s_times) is not null;

    public static void Start() => Volatile.Write(ref s_times, []);

    // Milliseconds and calls per op since Start, most time first; profiling stops.
    public static IReadOnlyList<(string Name, string Type, double Milliseconds, long Calls)> Stop()
    {
        var times = Interlocked.Exchange(ref s_times, null) ?? [];
        lock (times)
            return times.Select(t => (t.Key.Name, t.Key.Type, t.Value.Ticks * 1000.0 / Stopwatch.Frequency, t.Value.Calls))
                .OrderByDescending(t => t.Item3).ToList();
    }

    public static void Add(Operation op, long ticks)
    {
        if (Volatile.Read(ref s_times) is not { } times) return;
        lock (times)
        {
            times.TryGetValue((op.Name, op.Type), out var sum);
            times[(op.Name, op.Type)] = (sum.Ticks + ticks, sum.Calls + 1);
        }
    }
}
