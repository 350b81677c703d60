using ActorGraph.Coordinator.Cluster;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// Session.Reset (tf.Session.reset): every ps of a loopback cluster drops its variables and hash tables; a session still
// open initializes them again. The reset's gathering alone, with probes for the sessions and the shards.
[Collection("cluster")]
public class ClusterResetTests() : TestKit(TestConfig.Actors)
{
    private const string Secret = "reset-secret";

    private static (Graph, Operation Init, Tensor Count, Tensor Add, Tensor Ids, Tensor Rows) Model()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", [], initializer: TF.ConstantInitializer(0));
        var add = TF.AssignAdd(count, TF.Constant(1f));
        var table = TF.GetHashEmbedding("emb", 4, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 5));
        var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
        var rows = TF.EmbeddingLookup(table, ids);
        return (g, TF.GlobalVariablesInitializer(), count, add, ids, rows);
    }

    [Fact]
    public async Task Reset_empties_every_ps_of_the_cluster_and_an_open_session_initializes_its_variables_again()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 2, secret: Secret);
        var (g, init, count, add, ids, rows) = Model();
        using var sess = new Session(g, new SessionOptions { Cluster = cluster.Seed, ClusterSecret = Secret, StepTimeout = TimeSpan.FromSeconds(20) });
        sess.Run(init);
        for (int i = 0; i < 3; i++) sess.Run(add);
        sess.Run(rows, new FeedDict { [ids] = NDArray.FromArray(new long[] { 3, 7, 11 }, new Shape(3)) });
        var before = await Shards(cluster);
        Assert.Contains(before, s => s.Variables.Contains("count"));
        Assert.Equal(3, before.Sum(s => (s.HashTables ?? []).Sum(p => p.Rows)));

        var refused = Assert.Throws<PermissionDeniedException>(() => Session.Reset(cluster.Seed, "not-the-secret"));
        Assert.Contains("secret", refused.Message);
        Assert.Equal(3f, sess.Run(count).ToScalar<float>());

        Session.Reset(cluster.Seed, Secret);
        Assert.All(await Shards(cluster), s =>
        {
            Assert.Empty(s.Variables);
            Assert.Empty(s.HashTables ?? []);
        });
        var uninitialized = Assert.Throws<FailedPreconditionException>(() => sess.Run(count));
        Assert.Contains("count", uninitialized.Message);

        // The worker's copy of the old value is stale now: the session reads the new one.
        sess.Run(init);
        sess.Run(add);
        Assert.Equal(1f, sess.Run(count).ToScalar<float>());
    }

    [Fact]
    public void A_reset_while_a_session_has_a_run_in_flight_is_refused_and_no_shard_is_touched()
    {
        var (idle, busy, shard, client) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Sys.ActorOf(ClusterReset.Props(client.Ref, [idle.Ref, busy.Ref], [(0, shard.Ref.Path.ToString())], TestConfig.Wait));
        idle.ExpectMsg<CountStepsInFlight>(TestConfig.Wait);
        idle.Reply(new StepsInFlight(0));
        busy.ExpectMsg<CountStepsInFlight>(TestConfig.Wait);
        busy.Reply(new StepsInFlight(1));

        var failed = client.ExpectMsg<ClusterResetFailed>(TestConfig.Wait);
        Assert.Equal(ErrorCodes.FailedPrecondition, failed.Code);
        Assert.Contains("1 Run call(s) of the cluster's sessions are in flight; the cluster was not reset", failed.Reason);
        shard.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void With_every_session_idle_each_shard_is_reset_and_the_client_hears_once_all_have_answered()
    {
        var (session, first, second, client) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Sys.ActorOf(ClusterReset.Props(client.Ref, [session.Ref], [(0, first.Ref.Path.ToString()), (1, second.Ref.Path.ToString())], TestConfig.Wait));
        session.ExpectMsg<CountStepsInFlight>(TestConfig.Wait);
        session.Reply(new StepsInFlight(0));
        first.ExpectMsg<ResetShard>(TestConfig.Wait);
        first.Reply(new ShardReset(0));
        second.ExpectMsg<ResetShard>(TestConfig.Wait);
        client.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        second.Reply(new ShardReset(1));
        Assert.Equal([0, 1], client.ExpectMsg<ClusterResetSucceeded>(TestConfig.Wait).Shards);
    }

    [Fact]
    public void A_session_coordinator_counts_the_steps_it_has_running()
    {
        var (worker, client) = (CreateTestProbe(), CreateTestProbe());
        var coordinator = Sys.ActorOf(CoordinatorActor.Props([worker.Ref], [CreateTestProbe().Ref], TestConfig.Wait));
        var g = new Graph();
        using (g.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        client.Send(coordinator, new RunStep(0, [.. g.ExportSince(0)], ["add:0"], [], []));
        worker.ExpectMsg<RegisterPartition>(TestConfig.Wait);
        var run = worker.ExpectMsg<RunPartition>(TestConfig.Wait);
        Assert.Equal(1, Count(coordinator));

        worker.Reply(new PartitionSucceeded(run.StepId, [0], [5], null));
        client.ExpectMsg<StepSucceeded>(TestConfig.Wait);
        Assert.Equal(0, Count(coordinator));
    }

    private int Count(Akka.Actor.IActorRef coordinator)
    {
        coordinator.Tell(new CountStepsInFlight(), TestActor);
        var steps = ExpectMsg<StepsInFlight>(TestConfig.Wait).Steps;
        Assert.Equal(coordinator, LastSender);
        return steps;
    }

    private static async Task<ShardStatus[]> Shards(LoopbackCluster cluster)
    {
        var (_, shards) = await ClusterStatusQuery.WaitWithShardsAsync(cluster.Seed, _ => true, TimeSpan.FromSeconds(20), cluster.Tls, cluster.Secret);
        Assert.All(shards, Assert.NotNull);
        return [.. shards.Select(s => s!)];
    }
}
