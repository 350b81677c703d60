using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorGraph;

public class SessionOptions
{
    public int Workers { get; init; } = 1;
    public int ParameterServers { get; init; } = 1;

    // Where Print ops write their lines; Console.Error when null.
    public TextWriter? PrintOutput { get; init; }

    // The address of a running cluster's node (akka.tcp://actorgraph@127.0.0.1:4053); null = local mode.
    // Workers and ParameterServers do not apply there: the cluster's nodes are what serves.
    public string? Cluster { get; init; }

    // The secret the cluster's nodes were started with (--secret); null = ACTORGRAPH_SECRET, else none.
    public string? ClusterSecret { get; init; }

    // How long opening (or, after the coordinator's node went, reopening) a cluster session may take.
    public TimeSpan ClusterConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    // Where this client listens for the cluster's replies: 127.0.0.1 for a loopback cluster, else every
    // interface under this machine's name, unless set.
    public string? ClusterClientHost { get; init; }

    // Where the session warns about the seed's traps (a Print off the path, a graph growing in a
    // training loop); null = one "warning: …" line per warning on Console.Error.
    public ILogger? Logger { get; init; }

    // A connection string: "Data Source=path.db" (SQLite) or a PostgreSQL one.
    public string? CheckpointStore { get; init; }

    // Host the local runtime's actors in this system (a TestKit's Sys); null = a system the session
    // owns and shuts down on Dispose. The system needs ActorGraphSerialization.Hocon in its config
    // when it verifies or remotes messages.
    public ActorSystem? ActorSystem { get; init; }

    // How long a step may wait for its workers before it fails with DeadlineExceededException.
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(60);

    // The in-process executor without actors: the reference runs are compared against.
    internal bool ExecutorOnly { get; init; }

    internal void Validate()
    {
        if (Workers < 1) throw new ArgumentException($"SessionOptions.Workers is {Workers}; a session needs at least 1 worker.");
        if (ParameterServers < 1) throw new ArgumentException($"SessionOptions.ParameterServers is {ParameterServers}; a session needs at least 1 parameter server.");
        if (StepTimeout <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.StepTimeout is {StepTimeout}; give a positive time.");
        if (Cluster is not null)
        {
            Coordinator.Cluster.ClusterConfig.ParseAddress(Cluster);
            if (ActorSystem is not null)
                throw new ArgumentException("SessionOptions.ActorSystem hosts local mode's actors; with SessionOptions.Cluster set they run on the cluster's nodes. Set one or the other.");
            if (ExecutorOnly) throw new ArgumentException("An executor-only session runs in this process; it cannot also use SessionOptions.Cluster.");
            if (ClusterConnectTimeout <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.ClusterConnectTimeout is {ClusterConnectTimeout}; give a positive time.");
        }
    }
}
