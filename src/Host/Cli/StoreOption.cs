using System.CommandLine;
using ActorGraph.ParameterServer.Persistence;

namespace ActorGraph.Host.Cli;

// --store: a checkpoint store's connection string; else $ACTORGRAPH_STORE; else actorgraph.db here.
internal static class StoreOption
{
    public static Option<string?> Create() => new("--store")
    {
        Description = "Checkpoint store: \"Data Source=path.db\" (SQLite) or \"Host=…;Port=…;Database=…;Username=…\" (PostgreSQL); " +
                      "default $ACTORGRAPH_STORE, else actorgraph.db in the working directory",
        HelpName = "CONN",
    };

    public static string ConnectionString(string? given) =>
        given ?? Environment.GetEnvironmentVariable("ACTORGRAPH_STORE") ?? CheckpointStore.DefaultConnectionString;
}
