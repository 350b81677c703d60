using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

public sealed class CheckpointTests() : TestKit(ActorConfig)
{
    private static readonly string[] Names = ["dense/bias", "dense/kernel", "dense/kernel/Momentum", "global_step", "w"];

    private static Dictionary<string, NDArray> Values() => new()
    {
        ["dense/bias"] = RandomFloats(1, 8),
        ["dense/kernel"] = RandomFloats(2, 4, 8),
        ["dense/kernel/Momentum"] = RandomFloats(3, 4, 8),
        ["global_step"] = NDArray.Scalar(41L),
        ["w"] = NDArray.FromArray([1.5, -2.25], new Shape(2)),
    };

    private async Task<IActorRef[]> Filled(CheckpointStore store, string job, int shards, Dictionary<string, NDArray> values)
    {
        var refs = StartShards(Sys, store, job, shards);
        var owner = ByName(Names, shards);
        foreach (var (name, value) in values) await Assign(refs[owner(name)], name, value);
        return refs;
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Save_then_restore_into_new_shards_gives_the_same_variables_for_one_to_three_shards(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        for (int shards = 1; shards <= 3; shards++)
        {
            var values = Values();
            var saved = await Filled(store, $"writer-{shards}", shards, values);
            var manifest = await checkpoints.SaveAsync(saved, $"writer-{shards}", step: 40 + shards, name: $"run{shards}").WaitAsync(Wait);
            Assert.Equal(shards, manifest.Shards.Length);
            Assert.Equal(Names, manifest.Variables.Select(v => v.Name));

            var fresh = StartShards(Sys, store, $"reader-{shards}", shards);
            var expected = values.ToDictionary(v => v.Key, v => (v.Value.DType, v.Value.Shape));
            var found = checkpoints.Catalog.Find(manifest.Id)!;
            await checkpoints.RestoreAsync(fresh, found, expected, ByName(Names, shards)).WaitAsync(Wait);
            var owner = ByName(Names, shards);
            foreach (var (name, value) in values) SameValues(value, (await Read(fresh[owner(name)], name))[0]);
        }
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_checkpoint_written_by_two_shards_restores_into_three(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var values = Values();
        var two = await Filled(store, "two", 2, values);
        var manifest = await checkpoints.SaveAsync(two, "two", step: 7).WaitAsync(Wait);

        var three = StartShards(Sys, store, "three", 3);
        var owner = ByName(Names, 3);
        await checkpoints.RestoreAsync(three, manifest, values.ToDictionary(v => v.Key, v => (v.Value.DType, v.Value.Shape)), owner).WaitAsync(Wait);
        foreach (var (name, value) in values) SameValues(value, (await Read(three[owner(name)], name))[0]);
        Assert.Equal(2, (await Status(three[0])).Variables.Length);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Only_the_last_n_checkpoints_are_kept_and_the_older_snapshots_are_deleted(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shards = await Filled(store, "keep", 2, Values());
        var made = new List<CheckpointManifest>();
        for (int step = 1; step <= 5; step++)
        {
            await Update(shards[ByName(Names, 2)("w")], step, new WireUpdate(UpdateKind.AssignAdd, "w", [], [NDArray.FromArray([1.0, 1.0], new Shape(2))]));
            made.Add(await checkpoints.SaveAsync(shards, "keep", step, keep: 3).WaitAsync(Wait));
        }
        Assert.Equal(made.TakeLast(3).Select(m => m.Id), checkpoints.Catalog.List().Select(m => m.Id));
        Assert.Equal(made[^1].Id, checkpoints.Catalog.Latest()!.Id);
        var deleted = await Assert.ThrowsAsync<DataLossException>(() => checkpoints.LoadAsync(made[0]).WaitAsync(Wait));
        Assert.Contains("is missing from store", deleted.Message);
        var kept = await checkpoints.LoadAsync(made[2]).WaitAsync(Wait);
        Assert.Equal([1.5 + 3, -2.25 + 3], kept["w"].ToArray<double>());
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Shards_without_a_store_of_their_own_still_write_checkpoints_to_it(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var volatileShards = new[] { Sys.ActorOf(ShardActor.Props(0)), Sys.ActorOf(ShardActor.Props(1)) };
        var values = Values();
        var owner = ByName(Names, 2);
        foreach (var (name, value) in values) await Assign(volatileShards[owner(name)], name, value);
        var manifest = await checkpoints.SaveAsync(volatileShards, "volatile", step: 3).WaitAsync(Wait);
        var loaded = await checkpoints.LoadAsync(manifest).WaitAsync(Wait);
        foreach (var (name, value) in values) SameValues(value, loaded[name]);
    }
}
