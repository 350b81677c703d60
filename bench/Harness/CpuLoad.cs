using System.Diagnostics;

namespace ActorGraph.Bench.Harness;

// A bench machine may be shared: another process busy on the second core halves a two-thread figure.
// This measures how many cores other processes kept busy while a figure was taken (Linux /proc/stat;
// null elsewhere), so a reader can tell a slow result from a crowded machine.
public sealed class CpuLoad
{
    readonly long _busyTicks, _totalTicks;
    readonly IReadOnlyList<Process> _helpers;
    readonly TimeSpan _ownCpu;
    readonly long _start;

    CpuLoad(long busyTicks, long totalTicks, IReadOnlyList<Process> helpers)
    {
        (_busyTicks, _totalTicks, _helpers) = (busyTicks, totalTicks, helpers);
        _ownCpu = OwnCpu();
        _start = Stopwatch.GetTimestamp();
    }

    // helpers: processes this bench started (a peer on the far end of a socket); their CPU is the bench's, not other load.
    public static CpuLoad? Start(IReadOnlyList<Process>? helpers = null) =>
        ReadStat() is (long busy, long total) ? new CpuLoad(busy, total, helpers ?? []) : null;

    // Average cores busy with anything but this process since Start.
    public double? OtherCores()
    {
        if (ReadStat() is not (long busy, long total) || total == _totalTicks)
            return null;
        double wall = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        double allBusyCores = (double)(busy - _busyTicks) / (total - _totalTicks) * Environment.ProcessorCount;
        double ownCores = (OwnCpu() - _ownCpu).TotalSeconds / wall;
        return Math.Max(0, allBusyCores - ownCores);
    }

    TimeSpan OwnCpu()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        foreach (var helper in _helpers)
        {
            helper.Refresh();
            if (!helper.HasExited) cpu += helper.TotalProcessorTime;
        }
        return cpu;
    }

    // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...", in clock ticks.
    static (long Busy, long Total)? ReadStat()
    {
        try
        {
            string line = File.ReadLines("/proc/stat").First();
            long[] t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
            long idle = t[3] + t[4];
            return (t.Sum() - idle, t.Sum());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
