using Xunit;

namespace ActorGraph.Worker.Tests;

// A worker's Print text with the time each line was finished, however the text was written.
public class PrintLogTests
{
    [Fact]
    public void Each_finished_line_has_its_time_in_order_and_an_unfinished_last_line_one_too()
    {
        var log = new PrintLog();
        Assert.Equal((null, null), log.Take());
        log.Write("a");
        log.WriteLine("b");
        log.Write('c');
        log.Write('\n');
        log.Write("d\ne".ToCharArray(), 0, 3);
        var (text, times) = log.Take();
        Assert.Equal("ab\nc\nd\ne", text);
        Assert.NotNull(times);
        Assert.Equal(4, times.Length);
        Assert.True(times.Zip(times.Skip(1)).All(p => p.Item1 <= p.Item2));
        Assert.InRange(new DateTime(times[^1], DateTimeKind.Utc), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow);
    }
}
