using ActorGraph.Coordinator.Steps;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// A step's Print lines from several workers: merged by the time each line was finished, each worker's own lines in
// their order, whichever worker answered first.
public class PrintedLinesTests
{
    [Fact]
    public void Lines_merge_by_when_they_were_finished_not_by_which_worker_answered_first()
    {
        var printed = new PrintedLines();
        printed.Add("one: a\none: b\n", [20, 40]);   // answered first, printed second and fourth
        printed.Add("two: a\ntwo: b\n", [10, 30]);
        Assert.Equal("two: a\none: a\ntwo: b\none: b\n", printed.Text());
    }

    [Fact]
    public void A_worker_without_times_keeps_the_order_of_the_answers_and_an_unfinished_line_stays_whole()
    {
        var printed = new PrintedLines();
        printed.Add("first\n", null);
        printed.Add("second\nno newline", [5, 6]);
        Assert.Equal("first\nsecond\nno newline", printed.Text());
        Assert.Null(new PrintedLines().Text());
    }
}
