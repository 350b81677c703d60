using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorGraph.ParameterServer.Persistence;

// The bytes of a snapshot's large variables, in rows of ChunkBytes each (table actorgraph_snapshot_chunks), keyed by
// the snapshot they belong to (persistence id, sequence nr) and the variable. One blob of 640 MB made every layer
// (serializer, linq2db, the SQLite page chain) copy it whole; rows of a few MB are written straight from the
// variable's array and read straight into the restored one. The snapshot row holds each chunk's SHA-256.
public sealed partial class ChunkTable(CheckpointStore store)
{
    public const string Table = "actorgraph_snapshot_chunks";

    // Variables above this are chunked; a chunk is this size (the last one shorter).
    public const int ChunkBytes = 4 << 20;

    // Chunks per transaction: few enough commits (each syncs), short enough to leave other writers of a SQLite file a turn.
    private const int ChunksPerCommit = 16;

    // PostgreSQL stores whose table is made and tuned; a SQLite file may be new at any time, and asking costs nothing there.
    private static readonly HashSet<string> Created = [];

    public CheckpointStore Store { get; } = store;

    public static bool Chunked(NDArray value) => value.DType != DType.String && (long)value.Length * value.DType.SizeInBytes() > ChunkBytes;

    // The variable's bytes, written as its chunks; returns their checksums. Any chunks left under the same key by an
    // earlier attempt that never finished are replaced.
    public ChunkList Write(string persistenceId, long sequenceNr, string variable, ReadOnlySpan<byte> bytes)
    {
        int count = (int)((bytes.Length + (long)ChunkBytes - 1) / ChunkBytes);
        var sums = new byte[count][];
        try
        {
            using var connection = Open();
            Execute(connection, null, $"DELETE FROM {Table} WHERE persistence_id = @pid AND sequence_nr = @seq AND variable = @var",
                ("pid", persistenceId), ("seq", sequenceNr), ("var", variable));
            var buffer = Store.Provider == StoreProvider.PostgreSql ? new byte[Math.Min(ChunkBytes, bytes.Length)] : null;
            for (int first = 0; first < count; first += ChunksPerCommit)
            {
                using var transaction = connection.BeginTransaction();
                for (int i = first; i < Math.Min(count, first + ChunksPerCommit); i++)
                {
                    var chunk = bytes.Slice(i * ChunkBytes, Math.Min(ChunkBytes, bytes.Length - i * ChunkBytes));
                    sums[i] = SHA256.HashData(chunk);
                    if (connection is SqliteConnection sqlite) WriteSqlite(sqlite, transaction, persistenceId, sequenceNr, variable, i, chunk);
                    else WritePostgres(connection, transaction, persistenceId, sequenceNr, variable, i, chunk, buffer!);
                }
                transaction.Commit();
            }
        }
        catch (DbException e)
        {
            throw Unavailable(e);
        }
        return new ChunkList(ChunkBytes, sums);
    }

    // A blob of the right size, then its bytes through SQLite's incremental I/O: no copy of the chunk on either side.
    private static void WriteSqlite(SqliteConnection c, DbTransaction tx, string pid, long seq, string variable, int index, ReadOnlySpan<byte> chunk)
    {
        using var insert = Command(c, tx, $"INSERT INTO {Table} (persistence_id, sequence_nr, variable, chunk, data) VALUES (@pid, @seq, @var, @chunk, zeroblob(@size)) RETURNING rowid",
            ("pid", pid), ("seq", seq), ("var", variable), ("chunk", index), ("size", chunk.Length));
        long rowid = Convert.ToInt64(insert.ExecuteScalar());
        using var blob = new SqliteBlob(c, Table, "data", rowid);
        blob.Write(chunk);
    }

    private static void WritePostgres(DbConnection c, DbTransaction tx, string pid, long seq, string variable, int index, ReadOnlySpan<byte> chunk, byte[] buffer)
    {
        // One reused buffer for every full chunk; the driver sends the array whole, so the short last chunk gets its own.
        var data = chunk.Length == buffer.Length ? buffer : new byte[chunk.Length];
        chunk.CopyTo(data);
        using var insert = Command(c, tx, $"INSERT INTO {Table} (persistence_id, sequence_nr, variable, chunk, data) VALUES (@pid, @seq, @var, @chunk, @data)",
            ("pid", pid), ("seq", seq), ("var", variable), ("chunk", index), ("data", data));
        insert.ExecuteNonQuery();
    }

    // The variable's chunks into `into` (its whole storage), each checked against its checksum; `what` names the variable.
    public void Read(string persistenceId, long sequenceNr, string variable, ChunkList chunks, Span<byte> into, string what)
    {
        int count = chunks.Sha256.Length;
        if (chunks.ChunkBytes <= 0 || (long)count * chunks.ChunkBytes < into.Length || (count > 0 && (long)(count - 1) * chunks.ChunkBytes >= into.Length))
            throw new DataLossException($"{what} is corrupted: {count} chunks of {chunks.ChunkBytes} bytes cannot hold its {into.Length} bytes.");
        int next = 0;
        try
        {
            using var connection = Open();
            bool sqlite = connection is SqliteConnection;
            // SQLite: pages read through a mapping rather than one read call each, and the blob straight into place.
            if (sqlite) Execute(connection, null, "PRAGMA mmap_size = 1073741824");
            using var query = Command(connection, null, sqlite
                    ? $"SELECT chunk, rowid, length(data) FROM {Table} WHERE persistence_id = @pid AND sequence_nr = @seq AND variable = @var ORDER BY chunk"
                    : $"SELECT chunk, data FROM {Table} WHERE persistence_id = @pid AND sequence_nr = @seq AND variable = @var ORDER BY chunk",
                ("pid", persistenceId), ("seq", sequenceNr), ("var", variable));
            using var reader = query.ExecuteReader(System.Data.CommandBehavior.SequentialAccess);
            while (reader.Read())
            {
                int index = reader.GetInt32(0);
                if (index != next) break;
                if (index >= count)
                    throw new DataLossException($"{what} is corrupted: the store holds a chunk {index}, its snapshot lists {count}.");
                int start = index * chunks.ChunkBytes, size = Math.Min(chunks.ChunkBytes, into.Length - start);
                var target = into.Slice(start, size);
                using (var stream = sqlite
                    ? new SqliteBlob((SqliteConnection)connection, Table, "data", reader.GetInt64(1), readOnly: true)
                    : reader.GetStream(1))
                {
                    long length = sqlite ? reader.GetInt64(2) : stream.Length;
                    if (length != size)
                        throw new DataLossException($"{what} is truncated or corrupted: chunk {index} of {count} holds {length} bytes, it should hold {size}.");
                    stream.ReadExactly(target);
                }
                if (!SHA256.HashData(target).AsSpan().SequenceEqual(chunks.Sha256[index]))
                    throw new DataLossException($"{what} is corrupted: chunk {index} of {count} does not match the checksum written with it.");
                next++;
            }
        }
        catch (DbException e)
        {
            throw Unavailable(e);
        }
        if (next != count)
            throw new DataLossException($"{what} is truncated: chunk {next} of {count} is missing from store {Store.Description}.");
    }

    public void Delete(string persistenceId, long sequenceNr)
    {
        try
        {
            using var connection = Open();
            Execute(connection, null, $"DELETE FROM {Table} WHERE persistence_id = @pid AND sequence_nr = @seq", ("pid", persistenceId), ("seq", sequenceNr));
        }
        catch (DbException e)
        {
            throw Unavailable(e);
        }
    }

    // An open connection, with the table made if it is not there yet.
    private DbConnection Open()
    {
        var connection = Store.CreateConnection();
        try
        {
            connection.Open();
            EnsureCreated(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void EnsureCreated(DbConnection c)
    {
        lock (Created)
        {
            if (Store.Provider == StoreProvider.PostgreSql && Created.Contains(Store.ConnectionString)) return;
            var blob = Store.Provider == StoreProvider.Sqlite ? "BLOB" : "BYTEA";
            Execute(c, null, $"CREATE TABLE IF NOT EXISTS {Table} (persistence_id TEXT NOT NULL, sequence_nr BIGINT NOT NULL, variable TEXT NOT NULL, " +
                $"chunk INTEGER NOT NULL, data {blob} NOT NULL, PRIMARY KEY (persistence_id, sequence_nr, variable, chunk))");
            // Weights do not compress: out of line and uncompressed, as the snapshot table (CheckpointCatalog.TuneSnapshotTable).
            if (Store.Provider == StoreProvider.PostgreSql) Execute(c, null, $"ALTER TABLE {Table} ALTER COLUMN data SET STORAGE EXTERNAL");
            Created.Add(Store.ConnectionString);
        }
    }

    private UnavailableException Unavailable(DbException e) => new($"Checkpoint store {Store.Description}: {e.Message}", e);

    private static int Execute(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(c, tx, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }
}
