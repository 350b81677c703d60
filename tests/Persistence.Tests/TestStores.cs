using Npgsql;
using Xunit;

namespace ActorGraph.Persistence.Tests;

// Real stores for every persistence test: a SQLite file in a temp folder, or a fresh database on the
// PostgreSQL server that tests/postgres.sh starts (tests/run.sh does), named by ACTORGRAPH_TEST_POSTGRES.
public static class TestStores
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static TheoryData<string> Kinds => [Sqlite, Postgres];

    public static string? PostgresServer => Environment.GetEnvironmentVariable("ACTORGRAPH_TEST_POSTGRES");

    public static string PostgresSecure => Environment.GetEnvironmentVariable("ACTORGRAPH_TEST_POSTGRES_SECURE") ?? throw Missing();

    // A new, empty store of that kind: each test has its own, so tests run in parallel.
    public static string Create(string kind) => kind switch
    {
        Sqlite => $"Data Source={Path.Combine(TempFolder(), "store.db")}",
        Postgres => CreatePostgresDatabase(),
        _ => throw new ArgumentException(kind),
    };

    public static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actorgraph-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string CreatePostgresDatabase()
    {
        var server = PostgresServer ?? throw Missing();
        var name = "ag_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    // Never a skip: a persistence test that cannot reach PostgreSQL fails and says how to run it.
    private static Exception Missing() => new InvalidOperationException(
        "ACTORGRAPH_TEST_POSTGRES is not set: run the tests with `bash tests/run.sh`, or wrap the test command in " +
        "`bash tests/postgres.sh …`, which starts a throwaway PostgreSQL server and sets it" +
        (Environment.GetEnvironmentVariable("CI") == "true" ? " (CI must run tests/run.sh)." : "."));
}
