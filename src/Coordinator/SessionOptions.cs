using Microsoft.Extensions.Logging;

namespace ActorGraph;

public class SessionOptions
{
    public int Workers { get; init; } = 1;
    public int ParameterServers { get; init; } = 1;

    // Where Print ops write their lines; Console.Error when null.
    public TextWriter? PrintOutput { get; init; }

    // The address of a running cluster's node (akka.tcp://actorgraph@127.0.0.1:4053); null = local mode.
    public string? Cluster { get; init; }

    // Where the session warns about the seed's traps (a Print off the path, a graph growing in a
    // training loop); null = one "warning: …" line per warning on Console.Error.
    public ILogger? Logger { get; init; }

    // A connection string: "Data Source=path.db" (SQLite) or a PostgreSQL one.
    public string? CheckpointStore { get; init; }

    internal void Validate()
    {
        if (Workers < 1) throw new ArgumentException($"SessionOptions.Workers is {Workers}; a session needs at least 1 worker.");
        if (ParameterServers < 1) throw new ArgumentException($"SessionOptions.ParameterServers is {ParameterServers}; a session needs at least 1 parameter server.");
    }
}
