using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

public sealed class CrashRecoveryTests() : TestKit(ActorConfig)
{
    private static WireUpdate AddOne => new(UpdateKind.AssignAdd, "count", [], [NDArray.Scalar(1L)]);

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_crashed_shard_returns_to_its_last_checkpoint_and_says_which_step(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shard = StartShards(Sys, store, "crash", 1)[0];
        var notices = CreateTestProbe();
        Sys.EventStream.Subscribe(notices.Ref, typeof(ShardRestarted));
        await Assign(shard, "count", NDArray.Scalar(0L));
        for (int step = 1; step <= 10; step++) await Update(shard, step, AddOne);
        var manifest = await checkpoints.SaveAsync([shard], "crash", step: 10).WaitAsync(Wait);
        for (int step = 11; step <= 15; step++) await Update(shard, step, AddOne);

        var aborted = await shard.Ask<ShardRequestFailed>(new CrashShard(16, "injected"), Wait);
        Assert.Equal(ErrorCodes.Aborted, aborted.ErrorCode);
        var restarted = notices.ExpectMsg<ShardRestarted>(Wait);
        Assert.Equal((10L, manifest.Id), (restarted.RecoveredToStep, restarted.RecoveredCheckpoint));

        Assert.Equal(10L, (await Read(shard, "count"))[0]!.ToScalar<long>());
        var status = await Status(shard);
        Assert.Equal((true, 10L, manifest.Id), (status.Restarted, status.RecoveredToStep, status.RecoveredCheckpoint));
        Assert.Equal(11L, (await Update(shard, 17, AddOne))[0].ToScalar<long>());
        var missing = await Assert.ThrowsAsync<FailedPreconditionException>(() => Read(shard, "made_later"));
        Assert.Contains($"returned to checkpoint {manifest.Id} at step 10", missing.Message);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task In_journal_mode_a_crashed_shard_keeps_every_acknowledged_update(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shard = StartShards(Sys, store, "journal", 1, Durability.Journal)[0];
        var notices = CreateTestProbe();
        Sys.EventStream.Subscribe(notices.Ref, typeof(ShardRestarted));
        await Assign(shard, "count", NDArray.Scalar(0L));
        for (int step = 1; step <= 20; step++) await Update(shard, step, AddOne);
        await checkpoints.SaveAsync([shard], "journal", step: 20).WaitAsync(Wait);
        // Many in flight at once: each acknowledged one must survive.
        var acks = Enumerable.Range(21, 30).Select(step => Update(shard, step, AddOne)).ToArray();
        await Task.WhenAll(acks).WaitAsync(Wait);

        await shard.Ask<ShardRequestFailed>(new CrashShard(99, "injected"), Wait);
        Assert.Equal(50L, notices.ExpectMsg<ShardRestarted>(Wait).RecoveredToStep);
        Assert.Equal(50L, (await Read(shard, "count"))[0]!.ToScalar<long>());
        Assert.Equal([(long)ActorGraph.Messaging.ActorGraphSerializer.Id], JournalSerializers(store));
    }

    // Journaled events go through the project's MessagePack serializer, never a JSON fallback.
    private static long[] JournalSerializers(CheckpointStore store)
    {
        using var c = store.CreateConnection();
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = "SELECT DISTINCT identifier FROM journal";
        using var reader = command.ExecuteReader();
        var ids = new List<long>();
        while (reader.Read()) ids.Add(Convert.ToInt64(reader.GetValue(0)));
        return [.. ids];
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_new_shard_of_the_same_job_finds_the_state_its_predecessor_left(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var first = StartShards(Sys, store, "resume", 1, Durability.Journal)[0];
        await Assign(first, "count", NDArray.Scalar(0L));
        for (int step = 1; step <= 5; step++) await Update(first, step, AddOne);
        await checkpoints.SaveAsync([first], "resume", step: 5).WaitAsync(Wait);
        for (int step = 6; step <= 8; step++) await Update(first, step, AddOne);
        await first.GracefulStop(Wait);

        var second = StartShards(Sys, store, "resume", 1, Durability.Journal)[0];
        Assert.Equal(8L, (await Read(second, "count"))[0]!.ToScalar<long>());
        Assert.Equal(8L, (await Status(second)).LastStep);
    }
}
