using ActorGraph.Kernels;
using Xunit;

namespace ActorGraph.GraphTests.Kernels;

public class ComputeThreadsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Every_part_runs_exactly_once(int parts)
    {
        for (int round = 0; round < 200; round++)
        {
            var runs = new int[parts];
            ComputeThreads.For(parts, i => Interlocked.Increment(ref runs[i]));
            Assert.All(runs, r => Assert.Equal(1, r));
        }
    }

    [Fact]
    public void A_part_that_throws_fails_the_caller_after_the_others_finish()
    {
        int finished = 0;
        var e = Assert.Throws<InvalidOperationException>(() => ComputeThreads.For(4, i =>
        {
            if (i == 2) throw new InvalidOperationException("part 2");
            Thread.Sleep(5);
            Interlocked.Increment(ref finished);
        }));
        Assert.Equal("part 2", e.Message);
        Assert.Equal(3, finished);
        // And the helpers still serve the next caller.
        var runs = new int[2];
        ComputeThreads.For(2, i => runs[i]++);
        Assert.Equal([1, 1], runs);
    }

    [Fact]
    public void Concurrent_callers_each_get_all_their_parts_run()
    {
        const int callers = 6, parts = 3;
        var sums = new long[callers];
        Parallel.For(0, callers, c =>
        {
            for (int round = 0; round < 100; round++)
                ComputeThreads.For(parts, i => Interlocked.Add(ref sums[c], i + 1));
        });
        Assert.All(sums, s => Assert.Equal(100 * (1 + 2 + 3), s));
    }
}
