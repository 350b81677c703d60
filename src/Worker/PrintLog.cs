using System.Text;

namespace ActorGraph.Worker;

// A step's Print text on one worker, with the wall-clock time each line was finished: the coordinator merges the
// workers' lines by those times, so a Print on one worker that feeds a Print on another comes out first even when
// the second worker answers the step before the first (PrintedLines.Merge).
internal sealed class PrintLog : StringWriter
{
    private readonly List<long> _lineTimes = [];

    public override void Write(char value)
    {
        base.Write(value);
        if (value == '\n') _lineTimes.Add(DateTime.UtcNow.Ticks);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        base.Write(buffer, index, count);
        Stamp(buffer.AsSpan(index, count));
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        base.Write(buffer);
        Stamp(buffer);
    }

    public override void Write(string? value)
    {
        base.Write(value);
        Stamp(value);
    }

    // The text so far, null when empty, and one time per line (a last line without its newline is stamped now).
    public (string? Text, long[]? LineTimes) Take()
    {
        var text = ToString();
        if (text.Length == 0) return (null, null);
        var times = new List<long>(_lineTimes);
        if (text[^1] != '\n') times.Add(DateTime.UtcNow.Ticks);
        return (text, [.. times]);
    }

    private void Stamp(ReadOnlySpan<char> written)
    {
        if (written.IsEmpty) return;
        long now = DateTime.UtcNow.Ticks;
        foreach (char c in written)
            if (c == '\n') _lineTimes.Add(now);
    }
}
