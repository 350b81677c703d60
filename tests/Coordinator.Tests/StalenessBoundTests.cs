using ActorGraph.Coordinator.Tests.Cluster;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// DataParallelism.MaxStaleness: asynchronous replicas apply on arrival; the bound keeps concurrent Runs
// from computing updates on values older than that many updates. Measured on a loopback cluster, where
// steps of several Runs really overlap (local mode's in-process handover runs them nearly in turn).
[Collection("cluster")]
public class StalenessBoundTests
{
    // Each replica fetches, per row of its slice, the value of `count` it read, and adds 1 to it.
    private sealed record Counter(Graph Graph, Tensor X, Tensor Read, Operation Add, Operation Init);

    private static Counter Build()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1]);
        var count = TF.GetVariable("count", [], initializer: TF.ZerosInitializer());
        var read = count + 0f * x;
        var add = TF.AssignAdd(count, TF.Constant(1f) + 0f * TF.ReduceSum(x)).Op;
        return new Counter(g, x, read, add, TF.GlobalVariablesInitializer());
    }

    private static FeedDict Rows(Counter c) => new() { [c.X] = NDArray.FromArray(new[] { 1f, 2f, 3f, 4f }, [4]) };

    // What the two replicas of each of `runs` concurrent Runs read: (replica 0's, replica 1's).
    private static List<(float, float)> ConcurrentReads(Session session, Counter c, int runs)
    {
        session.Run(c.Init);
        var reads = new System.Collections.Concurrent.ConcurrentBag<(float, float)>();
        Parallel.For(0, runs, new ParallelOptions { MaxDegreeOfParallelism = 6 }, _ =>
        {
            var rows = session.Run([c.Read, c.Add], Rows(c))[0]!.ToArray<float>();
            reads.Add((rows[0], rows[2]));
        });
        return [.. reads];
    }

    private static SessionOptions Async(string cluster, int? maxStaleness) => new()
    {
        Cluster = cluster, StepTimeout = TimeSpan.FromSeconds(20),
        DataParallel = new DataParallelism { Replicas = 2, Synchronous = false, MaxStaleness = maxStaleness },
    };

    [Fact]
    public async Task A_bound_of_one_update_lets_one_step_of_two_replicas_run_at_a_time_and_a_lower_one_is_refused()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 2, ps: 1);
        var c = Build();
        using (var unbounded = new Session(c.Graph, Async(cluster.Seed, null)))
        {
            // Without a bound, steps overlap: several read the same value (the check that the bound below is what holds them).
            var reads = ConcurrentReads(unbounded, c, 24);
            Assert.True(reads.Select(r => Math.Min(r.Item1, r.Item2)).Distinct().Count() < 24, "no two unbounded steps overlapped: " + string.Join(" ", reads));
        }
        using (var bounded = new Session(c.Graph, Async(cluster.Seed, 1)))
        {
            var reads = ConcurrentReads(bounded, c, 24);
            // Step n starts at 2n, once step n-1 has applied both its updates; its replicas read 2n or 2n+1.
            Assert.Equal(Enumerable.Range(0, 24).Select(n => 2f * n), reads.Select(r => Math.Min(r.Item1, r.Item2)).Order());
            Assert.All(reads, r => Assert.True(Math.Abs(r.Item1 - r.Item2) <= 1, $"replicas of one step read {r}"));
        }
        using var tooTight = new Session(c.Graph, Async(cluster.Seed, 0));
        tooTight.Run(c.Init);
        var e = Assert.Throws<InvalidArgumentException>(() => tooTight.Run([c.Read, c.Add], Rows(c)));
        Assert.Contains("Raise MaxStaleness to 1", e.Message);
        // Nothing was applied, and the session still runs steps that need no replicas.
        Assert.Equal(0f, tooTight.Run(c.Read, new FeedDict { [c.X] = NDArray.FromArray(new[] { 1f }, [1]) }).ToArray<float>()[0]);
    }

    [Fact]
    public void A_staleness_bound_on_synchronous_training_is_refused_when_the_session_opens()
    {
        var e = Assert.Throws<ArgumentException>(() => new Session(new Graph(), new SessionOptions
        {
            Workers = 2, DataParallel = new DataParallelism { Synchronous = true, MaxStaleness = 3 },
        }));
        Assert.Contains("Synchronous = false", e.Message);
    }
}
