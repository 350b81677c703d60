using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// Journal mode against Akka.Persistence.TestKit's TestJournal: a write the journal rejects or fails is never acknowledged.
public sealed class JournalFaultTests() : TestKit(ConfigurationFactory.ParseString("""
    akka.persistence.journal.test {
      class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
      plugin-dispatcher = "akka.actor.default-dispatcher"
    }
    akka.persistence.snapshot-store.test {
      class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
      plugin-dispatcher = "akka.actor.default-dispatcher"
    }
    """).WithFallback(ActorConfig))
{
    private const string JournalId = "akka.persistence.journal.test";

    private IActorRef JournaledShard() => Sys.ActorOf(ShardActor.Props(0,
        new ShardPersistence($"fault-{Guid.NewGuid():N}", JournalId, "akka.persistence.snapshot-store.test", Durability.Journal)));

    private ITestJournal Journal => TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(JournalId));

    private static WireUpdate AddOne => new(UpdateKind.AssignAdd, "count", [], [NDArray.Scalar(1L)]);

    [Fact]
    public async Task An_update_the_journal_rejects_is_not_acknowledged()
    {
        var shard = JournaledShard();
        await Assign(shard, "count", NDArray.Scalar(0L));
        await Journal.OnWrite.Reject();
        var refused = await shard.Ask<object>(new ApplyUpdates(1, [AddOne]), Wait);
        var failed = Assert.IsType<ShardRequestFailed>(refused);
        Assert.Equal((1L, ErrorCodes.Unavailable), (failed.StepId, failed.ErrorCode));
        Assert.Contains("could not journal the updates of step 1", failed.Message);

        await Journal.OnWrite.Pass();
        Assert.IsType<UpdatesApplied>(await shard.Ask<object>(new ApplyUpdates(2, [AddOne]), Wait));
    }

    [Fact]
    public async Task A_journal_that_fails_stops_the_shard_and_tells_the_steps_waiting_on_it()
    {
        var shard = JournaledShard();
        var notices = CreateTestProbe();
        Sys.EventStream.Subscribe(notices.Ref, typeof(ShardStoreFailed));
        await Assign(shard, "count", NDArray.Scalar(0L));
        Watch(shard);
        await Journal.OnWrite.Fail();
        var failed = Assert.IsType<ShardRequestFailed>(await shard.Ask<object>(new ApplyUpdates(3, [AddOne]), Wait));
        Assert.Equal(ErrorCodes.Unavailable, failed.ErrorCode);
        notices.ExpectMsg<ShardStoreFailed>(Wait);
        ExpectTerminated(shard, Wait);
    }
}
