using ActorGraph.Bench.Harness;
using ActorGraph.Messaging;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Configuration;
using Npgsql;

namespace ActorGraph.Bench.Benches;

// Fresh stores for the persistence benches: a SQLite file in a temp folder, and a new database on the
// PostgreSQL server named by --postgres or $ACTORGRAPH_TEST_POSTGRES (tests/postgres.sh starts one).
internal static class StoreBenchSetup
{
    public static string[] Kinds(Options options) => options.String("stores", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static CheckpointStore? Create(Options options, string kind)
    {
        switch (kind)
        {
            case "sqlite":
                var dir = Path.Combine(Path.GetTempPath(), "actorgraph-bench", Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(dir);
                return CheckpointStore.Parse($"Data Source={Path.Combine(dir, "bench.db")}");
            case "postgres":
                var server = options.String("postgres", Environment.GetEnvironmentVariable("ACTORGRAPH_TEST_POSTGRES") ?? "");
                if (server.Length == 0)
                {
                    Console.Error.WriteLine("  postgres: skipped (give --postgres CONNECTION, or run under `bash tests/postgres.sh`)");
                    return null;
                }
                var name = "bench_" + Guid.NewGuid().ToString("N")[..12];
                using (var c = new NpgsqlConnection(server))
                {
                    c.Open();
                    using var command = new NpgsqlCommand($"CREATE DATABASE {name}", c);
                    command.ExecuteNonQuery();
                }
                return CheckpointStore.Parse(new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
            default:
                throw new ArgumentException($"--stores takes sqlite and/or postgres, not '{kind}'.");
        }
    }

    public static ActorSystem System() => ActorSystem.Create("bench", ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        """).WithFallback(ActorGraphSerialization.Hocon));
}
