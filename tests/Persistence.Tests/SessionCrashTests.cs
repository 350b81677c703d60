using ActorGraph.ParameterServer;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// A parameter server that crashes inside a session (its actors hosted in this TestKit's system).
public sealed class SessionCrashTests() : TestKit(ActorConfig)
{
    private (Graph, Variable, Tensor) Counter()
    {
        var graph = new Graph();
        using var _ = graph.AsDefault();
        var count = TF.GetVariable("count", [], DType.Int64, TF.ZerosInitializer());
        return (graph, count, TF.AssignAdd(count, TF.Constant(1L)));
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task After_a_crash_the_parameter_server_is_back_at_the_last_checkpoint_and_the_next_run_works(string kind)
    {
        var (graph, count, add) = Counter();
        using var session = new Session(graph, new SessionOptions { CheckpointStore = TestStores.Create(kind), ActorSystem = Sys });
        session.Run(count.Initializer);
        for (int i = 0; i < 10; i++) session.Run(add);
        var id = new Saver().Save(session);
        for (int i = 0; i < 5; i++) session.Run(add);

        await Crash(session.Runtime.ParameterServers[0]);
        AwaitCondition(() => session.Recoveries.Count == 1, Wait);
        var recovery = session.Recoveries[0];
        Assert.Equal((0, 11L, id), (recovery.Task, recovery.Step, recovery.CheckpointId));
        Assert.Equal(10L, session.Run(count).ToScalar<long>());
        Assert.Equal(11L, session.Run(add).ToScalar<long>());
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task In_journal_mode_a_crash_inside_a_session_loses_no_acknowledged_update(string kind)
    {
        var (graph, count, add) = Counter();
        using var session = new Session(graph, new SessionOptions { CheckpointStore = TestStores.Create(kind), Durability = Durability.Journal, ActorSystem = Sys });
        session.Run(count.Initializer);
        for (int i = 0; i < 10; i++) session.Run(add);
        new Saver().Save(session);
        var parallel = Enumerable.Range(0, 4).Select(_ => Task.Run(() => { for (int i = 0; i < 10; i++) session.Run(add); })).ToArray();
        await Task.WhenAll(parallel).WaitAsync(Wait);

        await Crash(session.Runtime.ParameterServers[0]);
        AwaitCondition(() => session.Recoveries.Count == 1, Wait);
        Assert.Equal(50L, session.Run(count).ToScalar<long>());
    }

    private static async Task Crash(IActorRef shard) =>
        Assert.IsType<ShardRequestFailed>(await shard.Ask<object>(new CrashShard(-1, "injected by the test"), Wait));
}
