using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// Session.Reset on a shard that journals to a store (a ps node started with --store): its variables are gone for
// good, through a crash and a restart, while the checkpoints taken before stay restorable.
public sealed class ShardResetTests() : TestKit(ActorConfig)
{
    private const string Job = "reset";

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_reset_shard_on_a_store_stays_empty_after_a_crash_and_a_restart_and_its_checkpoints_stay(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shard = StartShards(Sys, store, Job, 1, Durability.Journal)[0];
        await Assign(shard, "w", NDArray.Scalar(5L));
        var saved = await checkpoints.SaveAsync([shard], Job, step: 1).WaitAsync(Wait);
        await Update(shard, 2, new WireUpdate(UpdateKind.AssignAdd, "w", [], [NDArray.Scalar(1L)]));

        Assert.Equal(new ShardReset(0), await shard.Ask<object>(new ResetShard(), Wait));
        Assert.Empty((await Status(shard)).Variables);
        await shard.Ask<ShardRequestFailed>(new CrashShard(3, "injected"), Wait);
        Assert.Empty((await Status(shard)).Variables);
        await shard.GracefulStop(Wait);
        Assert.Empty((await Status(StartShards(Sys, store, Job, 1, Durability.Journal)[0])).Variables);

        var fresh = Sys.ActorOf(ShardActor.Props(0));
        await checkpoints.RestoreAsync([fresh], saved, new Dictionary<string, (DType, Shape)> { ["w"] = (DType.Int64, Shape.Scalar) }, _ => 0).WaitAsync(Wait);
        Assert.Equal(5L, (await Read(fresh, "w"))[0]!.ToScalar<long>());
    }
}
