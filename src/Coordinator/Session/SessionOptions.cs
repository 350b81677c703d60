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
    public string? Cluster { get; init; }

    // Where the session warns about the seed's traps (a Print off the path, a graph growing in a
    // training loop); null = one "warning: …" line per warning on Console.Error.
    public ILogger? Logger { get; init; }

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

    // How long a step may wait for its workers before it fails with DeadlineExceededException.
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(60);

    // The in-process executor without actors: the reference runs are compared against.
    internal bool ExecutorOnly { get; init; }

    internal void Validate()
    {
        if (Workers < 1) throw new ArgumentException($"SessionOptions.Workers is {Workers}; a session needs at least 1 worker.");
        if (ParameterServers < 1) throw new ArgumentException($"SessionOptions.ParameterServers is {ParameterServers}; a session needs at least 1 parameter server.");
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
            throw new ArgumentException($"SessionOptions.Cluster is '{Cluster}', but cluster mode is not supported yet: " +
                "leave Cluster null to run in single-process local mode (coordinator, workers and parameter servers as actors in this process).");
    }
}
