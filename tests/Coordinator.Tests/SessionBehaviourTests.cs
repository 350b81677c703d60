using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// What Session promised before the actors, kept: errors and their texts, atomic concurrent
// updates, a usable session after a failure, disposal.
public class SessionBehaviourTests() : TestKit(TestConfig.Actors)
{
    [Fact]
    public void Twenty_concurrent_AssignAdds_of_one_add_exactly_twenty()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var counter = TF.GetVariable("counter", [], initializer: TF.ZerosInitializer());
        var add = TF.AssignAdd(counter, TF.Constant(1f));
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = Sys });
        sess.Run(counter.Initializer);
        var results = new float[20];
        Parallel.For(0, 20, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = sess.Run(add).ToScalar<float>());
        Assert.Equal(20f, sess.Run(counter).ToScalar<float>());
        // Each AssignAdd answers the value right after its own update: 1 to 20, once each.
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (float)i), results.Order());
    }

    [Fact]
    public void Concurrent_runs_in_a_session_of_its_own_system_add_up_too()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var counter = TF.GetVariable("counter", [], DType.Int32, TF.ZerosInitializer());
        var add = TF.AssignAdd(counter, TF.Constant(1));
        using var sess = new Session(g);
        sess.Run(counter.Initializer);
        Parallel.For(0, 200, _ => sess.Run(add));
        Assert.Equal(200, sess.Run(counter).ToScalar<int>());
    }

    [Fact]
    public void A_bad_feed_is_refused_before_any_op_runs_with_tensorflows_text()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [2], initializer: TF.ZerosInitializer());
        var x = TF.Placeholder(DType.Float32, [2]);
        var y = TF.Placeholder(DType.Float32, [2, 3]);
        var bump = TF.AssignAdd(v, x);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ActorSystem = Sys });
        sess.Run(v.Initializer);
        var shape = Assert.Throws<InvalidArgumentException>(() => sess.Run(bump, new FeedDict { [x] = new float[] { 1, 2, 3 } }));
        Assert.Equal("Cannot feed value of shape (3,) for Tensor 'Placeholder:0', which has shape '(2,)'", shape.Message);
        var unfed = Assert.Throws<InvalidArgumentException>(() => sess.Run(TF.Identity(y)));
        Assert.StartsWith("You must feed a value for placeholder tensor 'Placeholder_1' with dtype float and shape [2,3]", unfed.Message);
        Assert.Equal([0f, 0f], sess.Run(v).ToArray<float>());
        Assert.Equal([1f, 2f], sess.Run(bump, new FeedDict { [x] = new float[] { 1, 2 } }).ToArray<float>());
    }

    [Fact]
    public void A_failed_run_leaves_the_session_usable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ConstantInitializer(5));
        var doubled = v * 2f;
        using var sess = new Session(g, new SessionOptions { Workers = 3, ParameterServers = 2, ActorSystem = Sys });
        Assert.Throws<FailedPreconditionException>(() => sess.Run(doubled));
        Assert.Throws<FailedPreconditionException>(() => sess.Run(TF.AssignAdd(v, TF.Constant(1f))));
        sess.Run(v.Initializer);
        Assert.Equal(10f, sess.Run(doubled).ToScalar<float>());
    }

    [Fact]
    public void Fetches_and_feeds_of_another_graph_are_invalid_arguments()
    {
        var other = new Graph();
        Tensor foreign;
        using (other.AsDefault()) foreign = TF.Constant(1);
        var g = new Graph();
        using var scope = g.AsDefault();
        var mine = TF.Constant(2);
        using var sess = new Session(g, new SessionOptions { ActorSystem = Sys });
        Assert.Throws<InvalidArgumentException>(() => sess.Run(foreign));
        Assert.Throws<InvalidArgumentException>(() => sess.Run(mine, new FeedDict { [foreign] = 1 }));
    }

    [Fact]
    public void Run_after_Dispose_throws_ObjectDisposedException()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var c = TF.Constant(1);
        var sess = new Session(g);
        Assert.Equal(1, sess.Run(c).ToScalar<int>());
        sess.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sess.Run(c));
        sess.Dispose();
    }

    [Fact]
    public void A_cluster_address_that_is_not_one_is_refused_at_once()
    {
        var e = Assert.Throws<ArgumentException>(() => new Session(new Graph(), new SessionOptions { Cluster = "127.0.0.1:4053" }));
        Assert.Contains("akka.tcp://actorgraph@127.0.0.1:4053", e.Message);
    }

    [Fact]
    public void A_cluster_nobody_runs_at_is_unavailable_after_the_connect_timeout()
    {
        var options = new SessionOptions { Cluster = $"akka.tcp://actorgraph@127.0.0.1:{Cluster.LoopbackCluster.FreePort()}", ClusterConnectTimeout = TimeSpan.FromSeconds(2) };
        var e = Assert.Throws<UnavailableException>(() => new Session(new Graph(), options));
        Assert.Contains("Could not open a session on the cluster", e.Message);
    }

    [Fact]
    public void Print_lines_reach_the_clients_writer_from_whichever_worker_ran_them()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor a, b;
        using (TF.Device("/job:worker/task:2")) a = TF.Print(TF.Constant(1), [TF.Constant(1)], message: "on two: ");
        using (TF.Device("/job:worker/task:1")) b = TF.Print(a + 1, [TF.Constant(new[] { 1, 2, 3 })], message: "on one: ");
        var printed = new StringWriter();
        using var sess = new Session(g, new SessionOptions { Workers = 3, PrintOutput = printed, ActorSystem = Sys });
        Assert.Equal(2, sess.Run(b).ToScalar<int>());
        // In the order they ran (worker 2's Print feeds worker 1's), whichever worker answered first.
        Assert.Equal($"on two: [1]{Environment.NewLine}on one: [1 2 3]{Environment.NewLine}", printed.ToString());
    }
}
