using ActorGraph.ParameterServer.Persistence;
using Akka.TestKit.Xunit2;
using Xunit;
using static ActorGraph.Persistence.Tests.ShardHarness;

namespace ActorGraph.Persistence.Tests;

// A real `actorgraph train-demo` whose checkpoints write chunks, SIGKILLed while a save's chunks are in the store and
// its snapshot row is not. Started again, its parameter server removes them, and every listed checkpoint still loads.
public sealed class LeftoverChunkKillTests() : TestKit(ActorConfig)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private const string PersistenceId = "actorgraph/train-demo/ps-0";
    private const string Large = "6";

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task A_host_killed_while_writing_a_checkpoints_chunks_leaves_none_once_it_runs_again(string kind)
    {
        var connection = TestStores.Create(kind);
        var store = CheckpointStore.Parse(connection);
        IReadOnlyList<long> left = [];
        // The kill must land between a save's chunks and its row: watch for that, and try again when the row won the race.
        for (int attempt = 0; attempt < 5 && left.Count == 0; attempt++)
        {
            using var host = new HostProcess("train-demo", "--store", connection, "--checkpoint-every", "3", "--large", Large);
            host.ReadUntil(l => l.StartsWith("checkpoint "), Patience);
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline && Leftovers(store).Count == 0) Thread.Sleep(20);
            host.Kill();
            left = Leftovers(store);
        }
        Assert.NotEmpty(left);

        using (var again = new HostProcess("train-demo", "--store", connection, "--checkpoint-every", "0", "--large", Large))
        {
            again.ReadUntil(l => l.StartsWith("resumed "), Patience);
            var deadline = DateTime.UtcNow + Patience;
            while (DateTime.UtcNow < deadline && Leftovers(store).Count > 0) Thread.Sleep(100);
            again.Kill();
        }
        Assert.Empty(Leftovers(store));

        var checkpoints = new Checkpoints(Sys, store);
        var listed = checkpoints.Catalog.List();
        Assert.NotEmpty(listed);
        foreach (var manifest in listed)
        {
            var entry = manifest.Shards[0];
            Assert.Equal(2 * int.Parse(Large), ChunkRows(store, entry.SequenceNr));
            // The shard's whole snapshot is read, every chunk checked against its checksum.
            var values = await checkpoints.LoadAsync(manifest).WaitAsync(Wait);
            // Saved every 3 counts.
            Assert.Equal(0, values["count"].ToScalar<long>() % 3);
        }
    }

    // Sequence numbers of the host's shard with chunks and no snapshot row: keys only.
    private static List<long> Leftovers(CheckpointStore store) => Query(store,
        $"SELECT DISTINCT c.sequence_nr FROM {ChunkTable.Table} c WHERE c.persistence_id = '{PersistenceId}' AND NOT EXISTS " +
        $"(SELECT 1 FROM {ChunkTable.SnapshotTable} s WHERE s.persistence_id = c.persistence_id AND s.sequence_number = c.sequence_nr)");

    private static long ChunkRows(CheckpointStore store, long sequenceNr) =>
        Query(store, $"SELECT COUNT(*) FROM {ChunkTable.Table} WHERE persistence_id = '{PersistenceId}' AND sequence_nr = {sequenceNr}")[0];

    private static List<long> Query(CheckpointStore store, string sql)
    {
        using var c = store.CreateConnection();
        c.Open();
        using var command = c.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var result = new List<long>();
        while (reader.Read()) result.Add(reader.GetInt64(0));
        return result;
    }
}
