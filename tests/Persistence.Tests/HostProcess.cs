using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit;

namespace ActorGraph.Persistence.Tests;

// The real actorgraph host in a process of its own, started as `dotnet actorgraph.dll …`, its
// output read line by line, killed with SIGKILL (Process.Kill on Unix) when the test says so.
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = [];
    private readonly List<string> _seen = [];
    private readonly ConcurrentQueue<string> _errors = new();

    public HostProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "actorgraph.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => { if (e.Data is null) _lines.CompleteAdding(); else _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _errors.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Seen => _seen;

    // Reads lines until one satisfies `done`; fails with what the process said when time runs out.
    public string ReadUntil(Func<string, bool> done, TimeSpan timeout, bool failIfMissing = true)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout || (!failIfMissing && !_lines.IsCompleted))
        {
            if (!_lines.TryTake(out var line, TimeSpan.FromMilliseconds(200)))
            {
                if (_lines.IsCompleted) break;
                continue;
            }
            _seen.Add(line);
            if (done(line)) return line;
        }
        // Whatever is left once the process has exited.
        while (_lines.TryTake(out var rest, TimeSpan.FromSeconds(5))) _seen.Add(rest);
        if (!failIfMissing) return "";
        Assert.Fail($"The host did not print the expected line within {timeout.TotalSeconds:0} s. Output:\n{string.Join("\n", _seen.TakeLast(20))}\nErrors:\n{string.Join("\n", _errors.Take(40))}");
        return "";
    }

    // SIGKILL, then everything it printed before dying (the pipe may still hold lines).
    public void Kill()
    {
        _process.Kill();
        Assert.True(_process.WaitForExit(10_000), "the host did not die after SIGKILL");
        while (_lines.TryTake(out var line, TimeSpan.FromSeconds(5))) _seen.Add(line);
    }

    public int WaitForExit(TimeSpan timeout)
    {
        Assert.True(_process.WaitForExit((int)timeout.TotalMilliseconds), "the host did not exit");
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
