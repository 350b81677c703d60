using ActorGraph.ParameterServer;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Local mode hosted in the test's ActorSystem: reach the runtime's actors and break them.
public class SimulationTests() : TestKit(TestConfig.Actors)
{
    [Fact]
    public void A_stopped_worker_is_noticed_and_the_next_run_succeeds_on_the_workers_left()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var sum = TF.Constant(2) + TF.Constant(3) * TF.Constant(4);
        using var sess = new Session(g, new SessionOptions { Workers = 3, ActorSystem = Sys });
        Assert.Equal(14, sess.Run(sum).ToScalar<int>());
        Assert.Equal(3, sess.Runtime.Workers.Count);
        var victim = sess.Runtime.Workers[1];
        Watch(victim);
        Sys.Stop(victim);
        ExpectTerminated(victim, TestConfig.Wait);
        Assert.Equal(14, sess.Run(sum).ToScalar<int>());
        Assert.DoesNotContain("/job:worker/task:1", sess.Explain([sum]).Placement.Values);
    }

    [Fact]
    public void A_crashed_shard_is_restarted_and_its_variables_read_as_uninitialized_saying_it_restarted()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ConstantInitializer(3));
        var twice = v * 2f;
        using var sess = new Session(g, new SessionOptions { ActorSystem = Sys });
        sess.Run(v.Initializer);
        Assert.Equal(6f, sess.Run(twice).ToScalar<float>());
        Sys.EventStream.Subscribe(TestActor, typeof(ShardRestarted));
        sess.Runtime.ParameterServers[0].Tell(new CrashShard(0, "simulated"), Akka.Actor.ActorRefs.NoSender);
        ExpectMsg<ShardRestarted>(TestConfig.Wait);
        var e = Assert.Throws<FailedPreconditionException>(() => sess.Run(twice));
        Assert.StartsWith("Attempting to use uninitialized value v", e.Message);
        Assert.Contains("restarted", e.Message);
        sess.Run(v.Initializer);
        Assert.Equal(6f, sess.Run(twice).ToScalar<float>());
    }

    [Fact]
    public void Disposing_a_hosted_session_stops_its_actors_and_leaves_the_system_running()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var c = TF.Constant(1);
        var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = Sys });
        Assert.Equal(1, sess.Run(c).ToScalar<int>());
        var actors = sess.Runtime;
        foreach (var a in actors.Workers.Append(actors.Coordinator).Concat(actors.ParameterServers)) Watch(a);
        sess.Dispose();
        for (int i = 0; i < 5; i++) ExpectMsg<Akka.Actor.Terminated>(TestConfig.Wait);
        Assert.False(Sys.WhenTerminated.IsCompleted);
    }
}
