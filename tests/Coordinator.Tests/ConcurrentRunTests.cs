using ActorGraph.Messaging;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Several threads on one session whose actors run side by side on the thread pool and pass arrays by
// reference, with variables large enough to be lent: a step sees each variable whole, never half-updated
// by another step, and every update lands exactly once.
public class ConcurrentRunTests() : TestKit(ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    akka.actor.serialize-messages = off
    """).WithFallback(ActorGraphSerialization.Hocon))
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    public void Concurrent_steps_read_whole_variables_and_lose_no_update(int workers, int ps)
    {
        const int threads = 6, runs = 150, size = 4096;
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [size], initializer: TF.ZerosInitializer());
        var w = TF.GetVariable("w", [size], initializer: TF.ZerosInitializer());
        // Zero exactly while every element is equal (whole numbers of float sums are exact here).
        var spread = TF.ReduceSum(TF.Square(v - TF.ReduceMean(v))) + TF.ReduceSum(TF.Square(w - TF.ReduceMean(w)));
        var incV = TF.AssignAdd(v, TF.Constant(Enumerable.Repeat(1f, size).ToArray()));
        var incW = TF.AssignAdd(w, TF.Constant(Enumerable.Repeat(2f, size).ToArray()));
        using var sess = new Session(g, new SessionOptions { Workers = workers, ParameterServers = ps, ActorSystem = Sys });
        sess.Run(TF.GlobalVariablesInitializer());
        using var start = new Barrier(threads);
        var torn = 0;
        var all = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < runs; i++)
            {
                var r = sess.Run([spread, v, (t % 2 == 0 ? incV : incW).Op]);
                var seen = r[1]!.ToArray<float>();
                if (r[0]!.ToScalar<float>() != 0 || seen.Any(x => x != seen[0])) Interlocked.Increment(ref torn);
            }
        })).ToList();
        all.ForEach(th => th.Start());
        all.ForEach(th => th.Join());
        Assert.Equal(0, torn);
        var final = sess.Run([v, w]);
        Assert.All(final[0]!.ToArray<float>(), x => Assert.Equal(threads / 2 * runs, x));
        Assert.All(final[1]!.ToArray<float>(), x => Assert.Equal(threads / 2 * runs * 2f, x));
    }

    // Local mode plans over the session's own graph: a thread that adds ops and variables meanwhile changes nothing a
    // step computes, and what it added (variables placed on the shards too) runs afterwards.
    [Fact]
    public void Steps_run_while_another_thread_grows_the_sessions_graph()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [], name: "x");
        var y = x + 1f;
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = Sys });
        var grown = new List<Tensor>();
        var stop = 0;
        var grower = new Thread(() =>
        {
            using var growing = g.AsDefault();
            for (int i = 0; i < 300 && Volatile.Read(ref stop) == 0; i++)
            {
                var v = TF.GetVariable($"grown{i}", [], initializer: TF.ConstantInitializer(i));
                var sum = TF.Negate(v) + y;
                lock (grown) grown.Add(sum);
            }
        });
        grower.Start();
        for (int i = 0; i < 200; i++)
            Assert.Equal(i + 1f, sess.Run(y, new FeedDict { [x] = (float)i }).ToScalar<float>());
        Volatile.Write(ref stop, 1);
        grower.Join();
        Assert.NotEmpty(grown);
        sess.Run(TF.GlobalVariablesInitializer());
        var values = sess.Run([grown[0], grown[^1]], new FeedDict { [x] = 1f });
        Assert.Equal(2f, values[0]!.ToScalar<float>());
        Assert.Equal(2f - (grown.Count - 1), values[1]!.ToScalar<float>());
    }

    // Sequential steps, but each actor on its own thread: a kernel buffer a worker sent on (an update operand,
    // a tensor for the other worker) must outlive the step that wrote it until its reader is done.
    [Theory]
    [InlineData(2, 2, false)]
    [InlineData(2, 2, true)]
    public void An_mlp_on_actors_sharing_arrays_across_threads_trains_to_the_executors_numbers(int workers, int ps, bool layersOnWorkers)
    {
        var expected = MlpTests.Train(new SessionOptions { ExecutorOnly = true }, layersOnWorkers, features: 64, hiddenUnits: 64);
        var actual = MlpTests.Train(new SessionOptions { Workers = workers, ParameterServers = ps, ActorSystem = Sys }, layersOnWorkers, features: 64, hiddenUnits: 64);
        Assert.Equal(expected, actual);
    }
}
