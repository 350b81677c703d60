using System.Data.Common;
using System.Runtime.InteropServices;
using ActorGraph.ParameterServer.Persistence;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

public sealed class BadDataTests() : TestKit(ActorConfig)
{
    private static readonly Dictionary<string, NDArray> Values = new()
    {
        ["a"] = RandomFloats(11, 16),
        ["kernel"] = RandomFloats(12, 32, 16),
        ["z"] = NDArray.Scalar(3L),
    };

    private static Dictionary<string, (DType, Shape)> Expected(Dictionary<string, NDArray> values) =>
        values.ToDictionary(v => v.Key, v => (v.Value.DType, v.Value.Shape));

    private async Task<(Checkpoints, CheckpointManifest, Akka.Actor.IActorRef[])> Saved(string kind)
    {
        var store = CheckpointStore.Parse(TestStores.Create(kind));
        var checkpoints = new Checkpoints(Sys, store);
        var shards = StartShards(Sys, store, "bad", 1);
        foreach (var (name, value) in Values) await Assign(shards[0], name, value);
        var manifest = await checkpoints.SaveAsync(shards, "bad", step: 9).WaitAsync(Wait);
        // The restore goes into shards that already hold other values: they must be left untouched.
        foreach (var (name, value) in Values) await Assign(shards[0], name, Filled(value, 7));
        return (checkpoints, manifest, shards);
    }

    private static NDArray Filled(NDArray like, double value) => like.DType == DType.Int64
        ? NDArray.Scalar((long)value)
        : NDArray.FromArray(Enumerable.Repeat((float)value, like.Length).ToArray(), like.Shape);

    private async Task NothingRestored(Akka.Actor.IActorRef shard)
    {
        foreach (var (name, value) in Values) SameValues(Filled(value, 7), (await Read(shard, name))[0]);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_corrupted_snapshot_row_is_refused_naming_the_variable_and_nothing_is_restored(string kind)
    {
        var (checkpoints, manifest, shards) = await Saved(kind);
        var entry = manifest.Shards[0];
        Assert.Equal(ActorGraph.Messaging.ActorGraphSerializer.Id, SerializerOf(checkpoints.Store, entry));
        var row = ReadSnapshotRow(checkpoints.Store, entry);
        var kernel = MemoryMarshal.AsBytes(Values["kernel"].AsSpan<float>()).ToArray();
        int at = row.AsSpan().IndexOf(kernel.AsSpan(100, 16));
        Assert.True(at > 0, "the kernel's bytes are stored raw");
        row[at + 3] ^= 0x5A;
        WriteSnapshotRow(checkpoints.Store, entry, row);

        var error = await Assert.ThrowsAsync<DataLossException>(() =>
            checkpoints.RestoreAsync(shards, manifest, Expected(Values), _ => 0).WaitAsync(Wait));
        Assert.Contains("variable kernel is corrupted", error.Message);
        Assert.Contains("/job:ps/task:0", error.Message);
        await NothingRestored(shards[0]);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_truncated_snapshot_row_is_refused_naming_the_shard_and_nothing_is_restored(string kind)
    {
        var (checkpoints, manifest, shards) = await Saved(kind);
        var entry = manifest.Shards[0];
        var row = ReadSnapshotRow(checkpoints.Store, entry);
        WriteSnapshotRow(checkpoints.Store, entry, row[..(row.Length / 2)]);

        var error = await Assert.ThrowsAsync<DataLossException>(() =>
            checkpoints.RestoreAsync(shards, manifest, Expected(Values), _ => 0).WaitAsync(Wait));
        Assert.Contains($"snapshot of /job:ps/task:0 (persistence id {entry.PersistenceId}", error.Message);
        Assert.Contains("is unreadable (corrupted or truncated)", error.Message);
        await NothingRestored(shards[0]);
    }

    public static TheoryData<string, string> Mismatches()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { TestStores.Sqlite, TestStores.Postgres })
            foreach (var mismatch in new[] { "missing", "shape", "dtype" })
                data.Add(kind, mismatch);
        return data;
    }

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task A_checkpoint_that_does_not_match_the_graph_names_the_variable_and_restores_nothing(string kind, string mismatch)
    {
        var (checkpoints, manifest, shards) = await Saved(kind);
        var expected = Expected(Values);
        switch (mismatch)
        {
            case "missing": expected["extra"] = (DType.Float32, new Shape(3)); break;
            case "shape": expected["kernel"] = (DType.Float32, new Shape(16, 32)); break;
            default: expected["kernel"] = (DType.Float64, new Shape(32, 16)); break;
        }
        ActorGraphException error = mismatch == "missing"
            ? await Assert.ThrowsAsync<NotFoundException>(() => checkpoints.RestoreAsync(shards, manifest, expected, _ => 0).WaitAsync(Wait))
            : await Assert.ThrowsAsync<InvalidArgumentException>(() => checkpoints.RestoreAsync(shards, manifest, expected, _ => 0).WaitAsync(Wait));
        Assert.Contains(mismatch == "missing" ? "Key extra not found in checkpoint" : "tensor_name = kernel;", error.Message);
        Assert.Contains("nothing was restored", error.Message);
        await NothingRestored(shards[0]);
    }

    // The default table mapping of Akka.Persistence.Sql: snapshot(persistence_id, sequence_number, snapshot).
    private static byte[] ReadSnapshotRow(CheckpointStore store, ShardEntry entry)
    {
        using var c = store.CreateConnection();
        c.Open();
        using var command = Command(c, "SELECT snapshot FROM snapshot WHERE persistence_id = @p AND sequence_number = @s", entry);
        return (byte[])command.ExecuteScalar()!;
    }

    // Snapshots go through the project's MessagePack serializer, never a JSON fallback.
    private static long SerializerOf(CheckpointStore store, ShardEntry entry)
    {
        using var c = store.CreateConnection();
        c.Open();
        using var command = Command(c, "SELECT serializer_id FROM snapshot WHERE persistence_id = @p AND sequence_number = @s", entry);
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static void WriteSnapshotRow(CheckpointStore store, ShardEntry entry, byte[] bytes)
    {
        using var c = store.CreateConnection();
        c.Open();
        using var command = Command(c, "UPDATE snapshot SET snapshot = @b WHERE persistence_id = @p AND sequence_number = @s", entry);
        var b = command.CreateParameter();
        b.ParameterName = "b";
        b.Value = bytes;
        command.Parameters.Add(b);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private static DbCommand Command(DbConnection c, string sql, ShardEntry entry)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in new (string, object)[] { ("p", entry.PersistenceId), ("s", entry.SequenceNr) })
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
