using System.Data.Common;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// A variable larger than one chunk goes to the chunk table in rows of ChunkTable.ChunkBytes, each with its checksum.
public sealed class ChunkedSnapshotTests() : TestKit(ActorConfig)
{
    // 4.8 MB: two chunks, the second one short.
    private static readonly NDArray Table = RandomFloats(5, 300_000, 4);
    private static readonly NDArray Bias = RandomFloats(6, 4);

    private static Dictionary<string, (DType, Shape)> Expected => new() { ["table"] = (DType.Float32, Table.Shape), ["bias"] = (DType.Float32, Bias.Shape) };

    private async Task<(Checkpoints, CheckpointManifest, IActorRef)> Saved(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shard = StartShards(Sys, store, "chunked", 1)[0];
        await Assign(shard, "table", Table);
        await Assign(shard, "bias", Bias);
        var manifest = await checkpoints.SaveAsync([shard], "chunked", step: 3).WaitAsync(Wait);
        return (checkpoints, manifest, shard);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_large_variable_is_stored_in_chunks_and_restored_bit_for_bit(string kind)
    {
        var (checkpoints, manifest, shard) = await Saved(kind);
        var entry = manifest.Shards[0];
        Assert.Equal(2, ChunkRows(checkpoints.Store, entry));

        var fresh = Sys.ActorOf(ShardActor.Props(1));
        await checkpoints.RestoreAsync([fresh], manifest, Expected, _ => 0).WaitAsync(Wait);
        SameValues(Table, (await Read(fresh, "table"))[0]);
        SameValues(Bias, (await Read(fresh, "bias"))[0]);

        // The persistent shard recovers from the same chunks after a crash.
        await Assign(shard, "table", RandomFloats(7, 300_000, 4));
        await shard.Ask<ShardRequestFailed>(new CrashShard(4, "injected"), Wait);
        SameValues(Table, (await Read(shard, "table"))[0]);

        await checkpoints.DeleteAsync(manifest);
        Assert.Equal(0, ChunkRows(checkpoints.Store, entry));
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_corrupted_chunk_is_refused_naming_the_variable_and_the_chunk_and_nothing_is_restored(string kind)
    {
        var (checkpoints, manifest, _) = await Saved(kind);
        var entry = manifest.Shards[0];
        var chunk = ReadChunk(checkpoints.Store, entry, 1);
        chunk[1000] ^= 0x5A;
        WriteChunk(checkpoints.Store, entry, 1, chunk);

        var target = await Holding7();
        var error = await Assert.ThrowsAsync<DataLossException>(() => checkpoints.RestoreAsync([target], manifest, Expected, _ => 0).WaitAsync(Wait));
        Assert.Contains("variable table is corrupted: chunk 1 of 2 does not match the checksum", error.Message);
        Assert.Contains("/job:ps/task:0", error.Message);
        await NothingRestored(target);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_missing_or_truncated_chunk_is_refused_and_nothing_is_restored(string kind)
    {
        var (checkpoints, manifest, _) = await Saved(kind);
        var entry = manifest.Shards[0];
        var target = await Holding7();

        WriteChunk(checkpoints.Store, entry, 1, ReadChunk(checkpoints.Store, entry, 1)[..1000]);
        var truncated = await Assert.ThrowsAsync<DataLossException>(() => checkpoints.RestoreAsync([target], manifest, Expected, _ => 0).WaitAsync(Wait));
        Assert.Contains("variable table is truncated or corrupted: chunk 1 of 2 holds 1000 bytes", truncated.Message);

        Execute(checkpoints.Store, $"DELETE FROM {ChunkTable.Table} WHERE persistence_id = @pid AND sequence_nr = @seq AND chunk = 1", entry);
        var missing = await Assert.ThrowsAsync<DataLossException>(() => checkpoints.RestoreAsync([target], manifest, Expected, _ => 0).WaitAsync(Wait));
        Assert.Contains("variable table is truncated: chunk 1 of 2 is missing", missing.Message);
        await NothingRestored(target);
    }

    private async Task<IActorRef> Holding7()
    {
        var shard = Sys.ActorOf(ShardActor.Props(0));
        await Assign(shard, "table", NDArray.FromArray(Enumerable.Repeat(7f, Table.Length).ToArray(), Table.Shape));
        await Assign(shard, "bias", NDArray.FromArray(Enumerable.Repeat(7f, Bias.Length).ToArray(), Bias.Shape));
        return shard;
    }

    private static async Task NothingRestored(IActorRef shard)
    {
        Assert.All((await Read(shard, "table"))[0]!.ToArray<float>(), v => Assert.Equal(7f, v));
        Assert.All((await Read(shard, "bias"))[0]!.ToArray<float>(), v => Assert.Equal(7f, v));
    }

    private static long ChunkRows(CheckpointStore store, ShardEntry entry)
    {
        using var c = Open(store);
        using var command = Command(c, $"SELECT COUNT(*) FROM {ChunkTable.Table} WHERE persistence_id = @pid AND sequence_nr = @seq", entry);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static byte[] ReadChunk(CheckpointStore store, ShardEntry entry, int index)
    {
        using var c = Open(store);
        using var command = Command(c, $"SELECT data FROM {ChunkTable.Table} WHERE persistence_id = @pid AND sequence_nr = @seq AND chunk = {index}", entry);
        return (byte[])command.ExecuteScalar()!;
    }

    private static void WriteChunk(CheckpointStore store, ShardEntry entry, int index, byte[] data) =>
        Execute(store, $"UPDATE {ChunkTable.Table} SET data = @data WHERE persistence_id = @pid AND sequence_nr = @seq AND chunk = {index}", entry, data);

    private static void Execute(CheckpointStore store, string sql, ShardEntry entry, byte[]? data = null)
    {
        using var c = Open(store);
        using var command = Command(c, sql, entry, data);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private static DbConnection Open(CheckpointStore store)
    {
        var c = store.CreateConnection();
        c.Open();
        return c;
    }

    private static DbCommand Command(DbConnection c, string sql, ShardEntry entry, byte[]? data = null)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in new (string, object?)[] { ("pid", entry.PersistenceId), ("seq", entry.SequenceNr), ("data", data) })
        {
            if (value is null) continue;
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
