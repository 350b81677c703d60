using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// A kill between a checkpoint's snapshots and its catalog entry leaves some shards with a snapshot of a checkpoint
// that does not exist. Shards in checkpoint durability all return to the catalog's newest checkpoint instead.
public sealed class OrphanSnapshotTests() : TestKit(ActorConfig)
{
    private static WireUpdate AddOne(string name) => new(UpdateKind.AssignAdd, name, [], [NDArray.Scalar(1L)]);

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Shards_return_to_the_newest_catalogued_checkpoint_not_to_a_newer_orphaned_snapshot(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shards = StartShards(Sys, store, "orphan", 2);
        await Assign(shards[0], "a", NDArray.Scalar(0L));
        await Assign(shards[1], "b", NDArray.Scalar(0L));
        for (int step = 1; step <= 10; step++)
        {
            await Update(shards[0], step, AddOne("a"));
            await Update(shards[1], step, AddOne("b"));
        }
        var catalogued = await checkpoints.SaveAsync(shards, "orphan", step: 10).WaitAsync(Wait);
        for (int step = 11; step <= 20; step++)
        {
            await Update(shards[0], step, AddOne("a"));
            await Update(shards[1], step, AddOne("b"));
        }
        // The next checkpoint's first snapshot is stored; the process dies before the second and before the catalog entry.
        var orphan = await shards[0].Ask<object>(new SaveShardCheckpoint(Checkpoints.NewId(20), 20, store.SnapshotPluginId), Wait);
        Assert.IsType<ShardCheckpointSaved>(orphan);
        foreach (var shard in shards) await shard.GracefulStop(Wait);

        var restarted = StartShards(Sys, store, "orphan", 2);
        Assert.Equal(10L, (await Read(restarted[0], "a"))[0]!.ToScalar<long>());
        Assert.Equal(10L, (await Read(restarted[1], "b"))[0]!.ToScalar<long>());
        foreach (var shard in restarted)
            Assert.Equal((10L, catalogued.Id), ((await Status(shard)).RecoveredToStep, (await Status(shard)).RecoveredCheckpoint));

        // A crash of one shard, too, returns it to that checkpoint.
        await Update(restarted[0], 21, AddOne("a"));
        await restarted[0].Ask<ShardRequestFailed>(new CrashShard(22, "injected"), Wait);
        Assert.Equal(10L, (await Read(restarted[0], "a"))[0]!.ToScalar<long>());
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_restored_shard_returns_to_the_restore_after_a_crash(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shard = StartShards(Sys, store, "anchor", 1)[0];
        await Assign(shard, "a", NDArray.Scalar(5L));
        var first = await checkpoints.SaveAsync([shard], "anchor", step: 1).WaitAsync(Wait);
        await Assign(shard, "a", NDArray.Scalar(9L));
        await checkpoints.SaveAsync([shard], "anchor", step: 2).WaitAsync(Wait);

        await checkpoints.RestoreAsync([shard], first, new Dictionary<string, (DType, Shape)> { ["a"] = (DType.Int64, Shape.Scalar) }, _ => 0).WaitAsync(Wait);
        await shard.Ask<ShardRequestFailed>(new CrashShard(3, "injected"), Wait);
        Assert.Equal(5L, (await Read(shard, "a"))[0]!.ToScalar<long>());
    }
}
