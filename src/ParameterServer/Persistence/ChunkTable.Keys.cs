using System.Data.Common;

namespace ActorGraph.ParameterServer.Persistence;

public sealed partial class ChunkTable
{
    // Akka.Persistence.Sql's snapshot table, where the rows that name each save's chunks are.
    public const string SnapshotTable = "snapshot";

    // The sequence numbers under persistenceId that hold chunks, and those that hold a snapshot row. Both come from the
    // tables' primary-key indexes: a 640 MB variable's chunks are not read to find out they are there.
    public (IReadOnlyList<long> Chunked, IReadOnlySet<long> Snapshots) Keys(string persistenceId)
    {
        try
        {
            using var connection = Open();
            var chunked = SequenceNrs(connection, $"SELECT DISTINCT sequence_nr FROM {Table} WHERE persistence_id = @pid", persistenceId);
            if (chunked.Count == 0) return ([], new HashSet<long>());
            return (chunked, SequenceNrs(connection, $"SELECT sequence_number FROM {SnapshotTable} WHERE persistence_id = @pid", persistenceId).ToHashSet());
        }
        catch (DbException e)
        {
            throw Unavailable(e);
        }
    }

    private static List<long> SequenceNrs(DbConnection c, string sql, string persistenceId)
    {
        using var query = Command(c, null, sql, ("pid", persistenceId));
        using var reader = query.ExecuteReader();
        var result = new List<long>();
        while (reader.Read()) result.Add(reader.GetInt64(0));
        return result;
    }
}
