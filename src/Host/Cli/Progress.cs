using Spectre.Console;

namespace ActorGraph.Host.Cli;

// Where a long loop reports how far it is: a live Spectre.Console bar on a terminal, plain lines
// (about ten per run) when standard output is a file or a pipe, so logs stay readable.
internal interface IProgressSink
{
    void Update(long done, string status);
}

internal static class Progress
{
    public static bool Live => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    // summaryFollows: the caller prints its own line when done (one per epoch), so the bar goes
    // away when finished and plain output has no lines of its own.
    public static T Run<T>(string title, long total, Func<IProgressSink, T> work, bool summaryFollows = false)
    {
        if (!Live) return work(summaryFollows ? new SilentSink() : new PlainSink(title, total));
        return AnsiConsole.Progress()
            .AutoClear(summaryFollows)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: total);
                var result = work(new LiveSink(task, title));
                task.Value = total;
                return result;
            });
    }

    private sealed class LiveSink(ProgressTask task, string title) : IProgressSink
    {
        public void Update(long done, string status)
        {
            task.Value = done;
            task.Description = Markup.Escape($"{title}  {status}");
        }
    }

    private sealed class SilentSink : IProgressSink
    {
        public void Update(long done, string status) { }
    }

    private sealed class PlainSink(string title, long total) : IProgressSink
    {
        private long _nextLine;

        public void Update(long done, string status)
        {
            if (done < _nextLine && done < total) return;
            Console.WriteLine($"{title} {done}/{total}  {status}");
            _nextLine = done + Math.Max(1, total / 10);
        }
    }
}
