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

    // The cluster's TLS certificate (a PKCS#12 file every node and client shares) when its nodes were
    // started with --tls-cert; null = ACTORGRAPH_TLS_CERT, else plain TCP. Its password: null = ACTORGRAPH_TLS_PASSWORD.
    public string? ClusterCertificate { get; init; }
    public string? ClusterCertificatePassword { get; init; }

    // How long opening (or, after the coordinator's node went, reopening) a cluster session may take.
    public TimeSpan ClusterConnectTimeout { get; init; } = TimeSpan.FromSeconds(60);

    // Where this client listens for the cluster's replies: 127.0.0.1 for a loopback cluster, else every
    // interface under this machine's name, unless set.
    public string? ClusterClientHost { get; init; }

    // Where the session warns about the seed's traps (a Print off the path, a graph growing in a
    // training loop); null = one "warning: …" line per warning on Console.Error.
    public ILogger? Logger { get; init; }

    // Where Akka's own log events of the systems the session creates (local mode's, a cluster client's)
    // go, by category, at the levels it enables; null = Akka's warnings on standard output, as Akka prints them.
    public ILoggerFactory? LoggerFactory { get; init; }

    // A connection string: "Data Source=path.db" (SQLite) or a PostgreSQL one ("Host=…;Database=…;Username=…").
    // Null: actorgraph.db in the working directory, created on the first checkpoint.
    public string? CheckpointStore { get; init; }

    // What a parameter-server crash may lose: back to the last checkpoint (default), or nothing acknowledged.
    public Durability Durability { get; init; } = Durability.Checkpoint;

    // Automatic checkpoints of every variable: every N steps (0: off) and/or every T of time (null: off).
    public int CheckpointEverySteps { get; init; }
    public TimeSpan? CheckpointEvery { get; init; }

    // How many checkpoints the store keeps: saving one more deletes the oldest (its snapshots too).
    public int CheckpointsToKeep { get; init; } = 5;

    // The training job whose parameter servers this session runs: a later session of the same job on the
    // same store finds their state again (the last checkpoint, plus the journal in journal mode).
    // Null: a job of this session alone.
    public string? CheckpointJob { get; init; }

    // How long a checkpoint's save or restore may take before it fails.
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromSeconds(120);

    // Parameter servers live on the store from the start (rather than only writing checkpoints there)
    // when the session asks for anything beyond an occasional Saver.Save.
    internal bool PersistentShards => CheckpointStore is not null || Durability == Durability.Journal || CheckpointJob is not null
        || CheckpointEverySteps > 0 || CheckpointEvery is not null;

    // Host the local runtime's actors in this system (a TestKit's Sys); null = a system the session
    // owns and shuts down on Dispose. The system needs ActorGraphSerialization.Hocon in its config
    // when it verifies or remotes messages.
    public ActorSystem? ActorSystem { get; init; }

    // Data-parallel training over the workers (local mode's SessionOptions.Workers, or a cluster's);
    // null = each step runs once, its ops placed over the workers.
    public DataParallelism? DataParallel { get; init; }

    // How long a step may wait for its workers before it fails with DeadlineExceededException.
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(60);

    // The in-process executor without actors: the reference runs are compared against.
    internal bool ExecutorOnly { get; init; }

    // Cluster mode: count the bytes of every request this client sends (Session.ClientRequestBytes), for bench `input`.
    internal bool CountRequestBytes { get; init; }

    internal void Validate()
    {
        if (Workers < 1) throw new ArgumentException($"SessionOptions.Workers is {Workers}; a session needs at least 1 worker.");
        if (ParameterServers < 1) throw new ArgumentException($"SessionOptions.ParameterServers is {ParameterServers}; a session needs at least 1 parameter server.");
        DataParallel?.Validate();
        if (StepTimeout <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.StepTimeout is {StepTimeout}; give a positive time.");
        if (CheckpointEverySteps < 0) throw new ArgumentException($"SessionOptions.CheckpointEverySteps is {CheckpointEverySteps}; give 0 (off) or a number of steps.");
        if (CheckpointEvery is { } every && every <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.CheckpointEvery is {every}; give a positive time, or null (off).");
        if (CheckpointsToKeep < 1) throw new ArgumentException($"SessionOptions.CheckpointsToKeep is {CheckpointsToKeep}; keep at least 1.");
        if (CheckpointTimeout <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.CheckpointTimeout is {CheckpointTimeout}; give a positive time.");
        if (CheckpointJob is { } job && (job.Length == 0 || job.Any(c => char.IsWhiteSpace(c) || c == '/')))
            throw new ArgumentException($"SessionOptions.CheckpointJob '{job}' must be a non-empty name without spaces or '/'.");
        if (Durability == Durability.Journal && ExecutorOnly)
            throw new ArgumentException("SessionOptions.Durability = Journal needs parameter-server actors; an executor-only session has none.");
        if (Cluster is not null)
        {
            Coordinator.Cluster.ClusterConfig.ParseAddress(Cluster);
            if (ActorSystem is not null)
                throw new ArgumentException("SessionOptions.ActorSystem hosts local mode's actors; with SessionOptions.Cluster set they run on the cluster's nodes. Set one or the other.");
            if (ExecutorOnly) throw new ArgumentException("An executor-only session runs in this process; it cannot also use SessionOptions.Cluster.");
            // Checkpoints of a cluster session go to the client's store; how the shards themselves persist is the ps nodes' choice.
            if (Durability == Durability.Journal)
                throw new ArgumentException("SessionOptions.Durability applies to local mode's parameter servers. A cluster's ps nodes journal every " +
                    "update when started with a store (actorgraph node --role ps --store CONNECTION); leave Durability unset with SessionOptions.Cluster.");
            if (ClusterConnectTimeout <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.ClusterConnectTimeout is {ClusterConnectTimeout}; give a positive time.");
        }
    }
}
