using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// Run may be called from several threads at once; each variable update is atomic.
public class ParallelRunTests
{
    [Fact]
    public async Task Twenty_concurrent_assign_adds_of_one_add_exactly_twenty()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ZerosInitializer());
        var inc = TF.AssignAdd(v, TF.Constant(1f));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        using var start = new ManualResetEventSlim();
        var runs = Enumerable.Range(0, 20).Select(_ => Task.Run(() =>
        {
            start.Wait();
            sess.Run(inc.Op);
        })).ToArray();
        start.Set();
        await Task.WhenAll(runs);
        Assert.Equal(20f, sess.Run(v).ToScalar<float>());
    }

    [Fact]
    public void Two_thousand_assign_adds_over_eight_threads_lose_none()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [3], DType.Int64, TF.ZerosInitializer());
        var inc = TF.AssignAdd(v, TF.Constant(new long[] { 1, 2, 3 }));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 250; i++) sess.Run(inc);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Equal([2000L, 4000L, 6000L], sess.Run(v).ToArray<long>());
    }

    [Fact]
    public void Concurrent_runs_of_different_fetches_each_get_their_own_values()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [4]);
        var doubled = x * 2f;
        var shifted = x + 1f;
        var printed = TF.Print(doubled, [x]);
        var writer = new StringWriter();
        using var sess = new Session(g, new SessionOptions { PrintOutput = TextWriter.Synchronized(writer) });
        var failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (int i = 0; i < 200; i++)
            {
                float k = worker * 1000 + i;
                var input = new[] { k, k + 1, k + 2, k + 3 };
                var feed = new FeedDict { [x] = input };
                bool ok = (worker % 3) switch
                {
                    0 => sess.Run(doubled, feed).ToArray<float>().SequenceEqual(input.Select(v => v * 2)),
                    1 => sess.Run(shifted, feed).ToArray<float>().SequenceEqual(input.Select(v => v + 1)),
                    _ => sess.Run([doubled, shifted, printed], feed) is var r
                         && r[0]!.ToArray<float>().SequenceEqual(input.Select(v => v * 2))
                         && r[1]!.ToArray<float>().SequenceEqual(input.Select(v => v + 1))
                         && r[2]!.ToArray<float>().SequenceEqual(input.Select(v => v * 2)),
                };
                if (!ok) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
        Assert.Equal(2 * 200, writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_variable_fetched_during_updates_is_a_value_it_really_had()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [4096], initializer: TF.ZerosInitializer());
        var inc = TF.AssignAdd(v, TF.OnesLike(v));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        using var started = new ManualResetEventSlim();
        var writer = Task.Run(() =>
        {
            started.Set();
            for (int i = 0; i < 3000; i++) sess.Run(inc.Op);
        });
        started.Wait();
        int torn = 0;
        while (!writer.IsCompleted)
        {
            var values = sess.Run(v).ToArray<float>();
            if (values.Any(x => x != values[0])) torn++;
        }
        await writer;
        Assert.Equal(3000f, sess.Run(v).ToArray<float>().Min());
        Assert.Equal(0, torn);
    }
}
