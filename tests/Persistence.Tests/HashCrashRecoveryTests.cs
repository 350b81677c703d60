using ActorGraph.Execution;
using ActorGraph.HashTables;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// A persistent shard killed with a hash table part comes back with the part's rows and slots: from its checkpoint's
// snapshot in checkpoint durability, and with every acknowledged update after it in journal durability.
public sealed class HashCrashRecoveryTests() : TestKit(ActorConfig)
{
    private const int Dim = 2;
    private static readonly HashTableSpec Spec = new("emb", 0, 1, Dim, DType.Float32, new HashRowInit(HashRowDistribution.Uniform, -1, 2, 3), 0);
    private static readonly long[] Ids = [5, -9_000_000_000, 77];

    private static NDArray IdArray(params long[] ids) => NDArray.FromArray(ids, [ids.Length]);

    private static WireUpdate Adagrad(long step) =>
        new(UpdateKind.SparseAdagrad, "emb/part_0", [], [NDArray.Scalar(0.5f), NDArray.FromArray(Enumerable.Range(0, Ids.Length * Dim).Select(i => (float)(i + step)).ToArray(), [Ids.Length, Dim]), IdArray(Ids)],
            new HashUpdate(Spec, new HashSlots(["Adagrad"], [0.1])));

    // No value back: a hash table part has no dense value to return.
    private static async Task Train(IActorRef shard, long step)
    {
        var reply = await shard.Ask<object>(new ApplyUpdates(step, [Adagrad(step)], Wanted: []), Wait);
        if (reply is ShardRequestFailed failed) throw failed.ToException();
        Assert.IsType<UpdatesApplied>(reply);
    }

    private async Task<float[]> Rows(IActorRef shard, long step)
    {
        var reply = await shard.Ask<object>(new LookupRows(step, "emb/part_0", IdArray(Ids), 1, Spec), Wait);
        return Assert.IsType<RowsLookedUp>(reply).Rows.AsSpan<float>().ToArray();
    }

    [Theory]
    [InlineData(Durability.Checkpoint, 10)]
    [InlineData(Durability.Journal, 15)]
    public async Task A_killed_shard_comes_back_with_its_hash_table_rows_and_slots(Durability durability, int returnsToStep)
    {
        var store = CheckpointStore.Parse(TestStores.Create("sqlite"));
        var checkpoints = new Checkpoints(Sys, store);
        var shard = StartShards(Sys, store, $"hash-{durability}", 1, durability)[0];
        var notices = CreateTestProbe();
        Sys.EventStream.Subscribe(notices.Ref, typeof(ShardRestarted));
        await Rows(shard, 1);
        for (int step = 2; step <= 10; step++) await Train(shard, step);
        var atCheckpoint = await Rows(shard, 10);
        var manifest = await checkpoints.SaveAsync([shard], $"hash-{durability}", step: 10).WaitAsync(Wait);
        Assert.Contains(manifest.Variables, v => v.Name == "emb/part_0/hash/slot/Adagrad");
        for (int step = 11; step <= 15; step++) await Train(shard, step);
        var atEnd = await Rows(shard, 15);

        await shard.Ask<ShardRequestFailed>(new CrashShard(16, "injected"), Wait);
        notices.ExpectMsg<ShardRestarted>(Wait);
        Assert.Equal(returnsToStep == 10 ? atCheckpoint : atEnd, await Rows(shard, 17));
        // The Adagrad accumulators came back too: the next update moves the rows as on a shard that kept them.
        await Train(shard, 18);
        Assert.Equal(Reference([.. Enumerable.Range(2, returnsToStep - 1), 18]), await Rows(shard, 19));
    }

    // The rows of a shard that never crashed, after the updates of `steps`.
    private static float[] Reference(int[] steps)
    {
        var state = ShardState.Empty(0);
        state.Lookup(new LookupRows(1, "emb/part_0", IdArray(Ids), 1, Spec));
        foreach (int step in steps)
            foreach (var e in state.Decide(new ApplyUpdates(step, [Adagrad(step)])).Events) state = state.Apply(e);
        return Assert.IsType<RowsLookedUp>(state.Lookup(new LookupRows(99, "emb/part_0", IdArray(Ids), 1, Spec))).Rows.AsSpan<float>().ToArray();
    }
}
