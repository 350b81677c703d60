using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorGraph.ParameterServer.Persistence;

// Opens the store once, quickly, before any actor depends on it: an unreachable server, a bad
// password or a missing folder becomes an UnavailableException naming the store within seconds,
// instead of a persistence plugin retrying in the background while steps hang.
public static class StoreProbe
{
    public static void Check(CheckpointStore store, TimeSpan? timeout = null)
    {
        var limit = timeout ?? CheckpointStore.ConnectTimeout + TimeSpan.FromSeconds(2);
        if (store.SqliteFile is { } file)
        {
            var folder = Path.GetDirectoryName(file);
            if (folder is not null && !Directory.Exists(folder))
                throw new UnavailableException($"Checkpoint store {store.Description} is unavailable: the folder {folder} does not exist.");
        }
        // A thread of its own: with the thread pool busy (Runs blocking on several threads), a pooled
        // task could wait for a thread longer than the limit and blame a store that answers at once.
        var attempt = Task.Factory.StartNew(() => Open(store), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            if (!attempt.Wait(limit))
                throw new UnavailableException($"Checkpoint store {store.Description} is unavailable: no answer within {limit.TotalSeconds:0.#} s.");
        }
        catch (AggregateException e) when (e.InnerException is { } inner)
        {
            throw new UnavailableException($"Checkpoint store {store.Description} is unavailable: {Reason(inner)}", inner);
        }
    }

    private static void Open(CheckpointStore store)
    {
        using var connection = store.CreateConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        // SQLite keeps its default rollback journal: a 100 MB snapshot is written once, where WAL writes it twice.
        // A new file gets 64 KiB pages (an existing one keeps its own): a chunk of weights is then 64 pages, not 1,024.
        command.CommandText = store.Provider == StoreProvider.Sqlite ? "PRAGMA page_size = 65536; PRAGMA user_version" : "SELECT 1";
        command.ExecuteScalar();
    }

    // The driver's own words, minus anything that could echo the connection string.
    private static string Reason(Exception e) => e switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        NpgsqlException { InnerException: { } inner } => $"{e.Message} ({inner.Message})",
        SqliteException sqlite => sqlite.Message,
        DbException db => db.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
