using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ActorGraph.ParameterServer.Persistence;

public enum StoreProvider
{
    Sqlite,
    PostgreSql,
}

// A checkpoint store named by a connection string: "Data Source=path.db" (SQLite) or a PostgreSQL one
// ("Host=…;Database=…;Username=…"). Description names it for messages and never carries the password.
public sealed class CheckpointStore
{
    public const string DefaultConnectionString = "Data Source=actorgraph.db";

    // How long a connection attempt may take before the store counts as unreachable.
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private CheckpointStore(StoreProvider provider, string connectionString, string description, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Description = description;
        SqliteFile = sqliteFile;
        // Plugin ids per store, so one ActorSystem can reach several stores (tests, the CLI).
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(connectionString)))[..12].ToLowerInvariant();
        JournalPluginId = $"actorgraph.stores.s{hash}.journal";
        SnapshotPluginId = $"actorgraph.stores.s{hash}.snapshot-store";
    }

    public StoreProvider Provider { get; }
    public string ConnectionString { get; }
    public string Description { get; }
    public string? SqliteFile { get; }
    public string JournalPluginId { get; }
    public string SnapshotPluginId { get; }

    // linq2db's provider names for Akka.Persistence.Sql.
    public string ProviderName => Provider == StoreProvider.Sqlite ? "SQLite.MS" : "PostgreSQL";

    public override string ToString() => Description;

    public static CheckpointStore Parse(string? connectionString)
    {
        var text = string.IsNullOrWhiteSpace(connectionString) ? DefaultConnectionString : connectionString.Trim();
        var keys = new DbConnectionStringBuilder();
        try
        {
            keys.ConnectionString = text;
        }
        catch (ArgumentException e)
        {
            // The text itself may hold a password: say what is wrong, not what was given.
            throw new UnavailableException($"The checkpoint store's connection string is malformed ({e.Message}); " +
                "give \"Data Source=path.db\" for SQLite or \"Host=…;Database=…;Username=…\" for PostgreSQL.");
        }
        if (Has(keys, "Host", "Server"))
            return PostgreSql(text);
        if (Has(keys, "Data Source", "DataSource", "Filename"))
            return Sqlite(text);
        throw new UnavailableException("The checkpoint store's connection string names neither a SQLite file (Data Source=path.db) " +
            "nor a PostgreSQL host (Host=…;Database=…;Username=…).");
    }

    private static CheckpointStore Sqlite(string text)
    {
        SqliteConnectionStringBuilder b;
        try
        {
            b = new SqliteConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FormatException)
        {
            throw new UnavailableException($"The SQLite checkpoint store's connection string is invalid: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(b.DataSource) || b.DataSource == ":memory:" || b.Mode == SqliteOpenMode.Memory)
            throw new UnavailableException("The SQLite checkpoint store must be a file (Data Source=path.db), not in memory: checkpoints outlive the process.");
        var file = Path.GetFullPath(b.DataSource);
        // An absolute path, so the store stays the same file whatever the working directory becomes.
        b.DataSource = file;
        // Default Timeout is 30 s: a locked file should fail fast instead of hanging a step.
        if (!text.Contains("Timeout", StringComparison.OrdinalIgnoreCase) && !text.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase))
            b.DefaultTimeout = 10;
        return new CheckpointStore(StoreProvider.Sqlite, b.ConnectionString, $"SQLite file {file}", file);
    }

    private static CheckpointStore PostgreSql(string text)
    {
        NpgsqlConnectionStringBuilder b;
        try
        {
            b = new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FormatException)
        {
            throw new UnavailableException($"The PostgreSQL checkpoint store's connection string is invalid: {e.Message}");
        }
        if (!text.Contains("Timeout=", StringComparison.OrdinalIgnoreCase)) b.Timeout = (int)ConnectTimeout.TotalSeconds;
        var description = $"PostgreSQL database {b.Database ?? b.Username ?? "(default)"} at {b.Host}:{b.Port} as {b.Username ?? "(no user)"}";
        return new CheckpointStore(StoreProvider.PostgreSql, b.ConnectionString, description, null);
    }

    private static bool Has(DbConnectionStringBuilder keys, params string[] names) =>
        names.Any(n => keys.TryGetValue(n, out var v) && !string.IsNullOrWhiteSpace(v?.ToString()));

    // A plain ADO.NET connection to the same database (probe and checkpoint catalog), not yet open.
    public DbConnection CreateConnection() => Provider == StoreProvider.Sqlite
        ? new SqliteConnection(ConnectionString)
        : new NpgsqlConnection(ConnectionString);
}
