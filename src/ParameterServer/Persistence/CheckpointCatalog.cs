using System.Data.Common;

namespace ActorGraph.ParameterServer.Persistence;

// The store's list of checkpoints: one row per manifest in table actorgraph_checkpoints, next to the
// journal and snapshot tables of Akka.Persistence.Sql. Plain SQL rather than a persistent actor, so
// the CLI and a training process can read and change it at the same time.
public sealed class CheckpointCatalog(CheckpointStore store)
{
    public const string Table = "actorgraph_checkpoints";

    public CheckpointStore Store { get; } = store;

    public void EnsureCreated() => Run(c =>
    {
        Execute(c, Store.Provider == StoreProvider.Sqlite
            ? $"CREATE TABLE IF NOT EXISTS {Table} (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, name TEXT NULL, step BIGINT NOT NULL, created TEXT NOT NULL, manifest TEXT NOT NULL)"
            : $"CREATE TABLE IF NOT EXISTS {Table} (seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NULL, step BIGINT NOT NULL, created TEXT NOT NULL, manifest TEXT NOT NULL)");
        return 0;
    });

    // PostgreSQL tries to compress every large bytea (TOAST); weights do not compress, so a 100 MB snapshot
    // paid ~40% more for nothing. Stored EXTERNAL: out of line, uncompressed. Once the plugin made the table.
    public void TuneSnapshotTable()
    {
        if (Store.Provider != StoreProvider.PostgreSql) return;
        Run(c =>
        {
            using var check = Command(c, "SELECT a.attstorage::text FROM pg_attribute a WHERE a.attrelid = to_regclass('snapshot') AND a.attname = 'snapshot'");
            if (check.ExecuteScalar() is string storage && storage != "e")
                Execute(c, "ALTER TABLE snapshot ALTER COLUMN snapshot SET STORAGE EXTERNAL");
            return 0;
        });
    }

    public void Record(CheckpointManifest manifest) => Run(c =>
        Execute(c, $"INSERT INTO {Table} (id, name, step, created, manifest) VALUES (@id, @name, @step, @created, @manifest)",
            ("id", manifest.Id), ("name", manifest.Name), ("step", manifest.Step), ("created", manifest.Time.ToString("O")), ("manifest", manifest.ToJson())));

    // Oldest first.
    public IReadOnlyList<CheckpointManifest> List() => Run(c =>
    {
        var result = new List<CheckpointManifest>();
        using var command = Command(c, $"SELECT id, manifest FROM {Table} ORDER BY seq");
        using var reader = command.ExecuteReader();
        while (reader.Read()) result.Add(CheckpointManifest.FromJson(reader.GetString(1), reader.GetString(0)));
        return (IReadOnlyList<CheckpointManifest>)result;
    });

    // By id, or by name (the newest of that name).
    public CheckpointManifest? Find(string idOrName) => Run(c =>
    {
        using var command = Command(c, $"SELECT id, manifest FROM {Table} WHERE id = @key OR name = @key ORDER BY (CASE WHEN id = @key THEN 1 ELSE 0 END) DESC, seq DESC", ("key", idOrName));
        using var reader = command.ExecuteReader();
        return reader.Read() ? CheckpointManifest.FromJson(reader.GetString(1), reader.GetString(0)) : null;
    });

    public CheckpointManifest? Latest() => Run(c =>
    {
        using var command = Command(c, $"SELECT id, manifest FROM {Table} ORDER BY seq DESC LIMIT 1");
        using var reader = command.ExecuteReader();
        return reader.Read() ? CheckpointManifest.FromJson(reader.GetString(1), reader.GetString(0)) : null;
    });

    public bool Remove(string id) => Run(c => Execute(c, $"DELETE FROM {Table} WHERE id = @id", ("id", id)) > 0);

    private T Run<T>(Func<DbConnection, T> work)
    {
        try
        {
            using var connection = Store.CreateConnection();
            connection.Open();
            return work(connection);
        }
        catch (DbException e)
        {
            throw new UnavailableException($"Checkpoint store {Store.Description}: {e.Message}", e);
        }
    }

    private static int Execute(DbConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(c, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static DbCommand Command(DbConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
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
