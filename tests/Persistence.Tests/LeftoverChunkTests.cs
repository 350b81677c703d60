using System.Collections.Immutable;
using System.Data.Common;
using System.Runtime.InteropServices;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// A save writes its chunks before its snapshot row and its catalog entry: one that dies or fails in between leaves
// chunks nothing names. The shard removes them once it has recovered and after a save ends; listed checkpoints keep all of theirs.
public sealed class LeftoverChunkTests() : TestKit(ActorConfig)
{
    private const string Job = "leftovers";

    // 4.8 MB: two chunks each.
    private static readonly NDArray First = RandomFloats(11, 300_000, 4);
    private static readonly NDArray Second = RandomFloats(12, 300_000, 4);

    private static readonly Dictionary<string, (DType, Shape)> Expected = new() { ["table"] = (DType.Float32, First.Shape) };

    private static string PersistenceId => ShardPersistence.PersistenceIdOf(Job, 0);

    private async Task<(Checkpoints, IActorRef, CheckpointManifest[])> TwoCheckpoints(string kind, int keep = 5)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shard = StartShards(Sys, store, Job, 1)[0];
        await Assign(shard, "table", First);
        var first = await checkpoints.SaveAsync([shard], Job, step: 1, keep: keep).WaitAsync(Wait);
        await Assign(shard, "table", Second);
        var second = await checkpoints.SaveAsync([shard], Job, step: 2, keep: keep).WaitAsync(Wait);
        return (checkpoints, shard, [first, second]);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Chunks_of_a_save_killed_mid_write_are_gone_once_the_shard_recovers_and_listed_checkpoints_restore(string kind)
    {
        var (checkpoints, shard, listed) = await TwoCheckpoints(kind);
        var store = checkpoints.Store;
        var before = ChunkRows(store);
        await shard.GracefulStop(Wait);

        // What a process killed mid-save leaves: the save's marker journaled, then part of its chunks (all of one
        // variable, the first of another), written by the shard's own chunk writer; no snapshot row, no catalog entry.
        long killed = listed[1].Shards[0].SequenceNr + 1;
        await Journal(store, new SnapshotMarked(Checkpoints.NewId(3), 3, Restore: false), killed);
        var table = new ChunkTable(store);
        table.Write(PersistenceId, killed, "table", MemoryMarshal.AsBytes(First.ToArray<float>().AsSpan()));
        table.Write(PersistenceId, killed, "embedding", MemoryMarshal.AsBytes(Second.ToArray<float>().AsSpan())[..ChunkTable.ChunkBytes]);
        Assert.Equal(3, ChunkRows(store)[killed]);

        var restarted = StartShards(Sys, store, Job, 1)[0];
        SameValues(Second, (await Read(restarted, "table"))[0]);
        await Eventually(() => Assert.Equal(before, ChunkRows(store)));
        await EveryListedCheckpointRestores(checkpoints, listed);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Chunks_of_a_save_whose_snapshot_row_the_store_refused_are_removed_when_the_save_ends(string kind)
    {
        var (checkpoints, shard, listed) = await TwoCheckpoints(kind);
        var store = checkpoints.Store;
        var before = ChunkRows(store);

        RefuseSnapshotRows(store, refuse: true);
        var refused = await shard.Ask<object>(new SaveShardCheckpoint(Checkpoints.NewId(3), 3, store.SnapshotPluginId), Wait);
        Assert.Contains("could not store its snapshot", Assert.IsType<ShardRequestFailed>(refused).Message);
        await Eventually(() => Assert.Equal(before, ChunkRows(store)));

        // The shard saves again once the store takes rows, and every checkpoint restores.
        RefuseSnapshotRows(store, refuse: false);
        var third = await checkpoints.SaveAsync([shard], Job, step: 4).WaitAsync(Wait);
        Assert.Equal(2, ChunkRows(store)[third.Shards[0].SequenceNr]);
        await EveryListedCheckpointRestores(checkpoints, [.. listed, third]);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_checkpoint_retention_drops_takes_its_chunks_with_it(string kind)
    {
        var (checkpoints, shard, listed) = await TwoCheckpoints(kind, keep: 2);
        await Assign(shard, "table", First);
        var third = await checkpoints.SaveAsync([shard], Job, step: 3, keep: 2).WaitAsync(Wait);

        Assert.Equal([listed[1].Id, third.Id], checkpoints.Catalog.List().Select(m => m.Id));
        var rows = ChunkRows(checkpoints.Store);
        Assert.Equal([listed[1].Shards[0].SequenceNr, third.Shards[0].SequenceNr], rows.Keys.Order());
        Assert.All(rows.Values, count => Assert.Equal(2, count));
        await EveryListedCheckpointRestores(checkpoints, [listed[1], third]);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_save_written_for_the_shards_that_the_store_refuses_leaves_no_chunks(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var first = await checkpoints.SaveSnapshotsAsync(Checkpoints.NewId(1), [Copied(First)], Job, step: 1).WaitAsync(Wait);

        RefuseSnapshotRows(store, refuse: true);
        var id = Checkpoints.NewId(2);
        var refused = await Assert.ThrowsAsync<UnavailableException>(() => checkpoints.SaveSnapshotsAsync(id, [Copied(Second)], Job, step: 2).WaitAsync(Wait));
        Assert.Contains("refused the snapshot of /job:ps/task:0", refused.Message);
        Assert.Empty(ChunkRows(store, $"actorgraph/checkpoint/{id}/ps-0"));
        Assert.Equal([first.Id], checkpoints.Catalog.List().Select(m => m.Id));
        await EveryListedCheckpointRestores(checkpoints, [first]);
    }

    // A shard's variables as a cluster's shard copies them to the client that writes the checkpoint.
    private static ShardSnapshot Copied(NDArray table) => new(0, "", 0, [SnapshotVariable.Of("table", table)]);

    private async Task EveryListedCheckpointRestores(Checkpoints checkpoints, IReadOnlyList<CheckpointManifest> listed)
    {
        foreach (var manifest in listed)
        {
            var entry = manifest.Shards[0];
            Assert.Equal(2, ChunkRows(checkpoints.Store, entry.PersistenceId).GetValueOrDefault(entry.SequenceNr));
            var fresh = Sys.ActorOf(ShardActor.Props(0));
            await checkpoints.RestoreAsync([fresh], manifest, Expected, _ => 0).WaitAsync(Wait);
            // The tests save First at odd steps and Second at even ones.
            SameValues(manifest.Step % 2 == 0 ? Second : First, (await Read(fresh, "table"))[0]);
        }
    }

    // As the shard's Persist does: one event at that sequence number, through the store's journal plugin.
    private async Task Journal(CheckpointStore store, SnapshotMarked marker, long sequenceNr)
    {
        var journal = Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(store.JournalPluginId);
        var writer = CreateTestProbe();
        var write = new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(
            new Persistent(marker, sequenceNr, PersistenceId, "", false, ActorRefs.NoSender, Guid.NewGuid().ToString())));
        journal.Tell(new WriteMessages([write], writer.Ref, 1));
        var reply = await writer.FishForMessageAsync(m => m is WriteMessageSuccess or WriteMessageFailure or WriteMessagesFailed, Wait);
        Assert.IsType<WriteMessageSuccess>(reply);
    }

    private static async Task Eventually(Action check)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                check();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    // The chunk rows under a persistence id (the shard's by default), by sequence nr.
    private static Dictionary<long, long> ChunkRows(CheckpointStore store, string? persistenceId = null)
    {
        using var c = Open(store);
        using var command = c.CreateCommand();
        command.CommandText = $"SELECT sequence_nr, COUNT(*) FROM {ChunkTable.Table} WHERE persistence_id = '{persistenceId ?? PersistenceId}' GROUP BY sequence_nr";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<long, long>();
        while (reader.Read()) rows[reader.GetInt64(0)] = reader.GetInt64(1);
        return rows;
    }

    // A store that fails every snapshot row, as a full disk would.
    private static void RefuseSnapshotRows(CheckpointStore store, bool refuse)
    {
        using var c = Open(store);
        using var command = c.CreateCommand();
        command.CommandText = (store.Provider, refuse) switch
        {
            (StoreProvider.Sqlite, true) => $"CREATE TRIGGER refuse_rows BEFORE INSERT ON {ChunkTable.SnapshotTable} BEGIN SELECT RAISE(ABORT, 'the disk is full'); END",
            (StoreProvider.Sqlite, false) => "DROP TRIGGER refuse_rows",
            (_, true) => "CREATE FUNCTION refuse_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$; " +
                $"CREATE TRIGGER refuse_rows BEFORE INSERT OR UPDATE ON {ChunkTable.SnapshotTable} FOR EACH ROW EXECUTE FUNCTION refuse_rows()",
            (_, false) => $"DROP TRIGGER refuse_rows ON {ChunkTable.SnapshotTable}",
        };
        command.ExecuteNonQuery();
    }

    private static DbConnection Open(CheckpointStore store)
    {
        var c = store.CreateConnection();
        c.Open();
        return c;
    }
}
