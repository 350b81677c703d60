namespace ActorGraph;

public class SessionOptions
{
    public int Workers { get; init; } = 1;
    public int ParameterServers { get; init; } = 1;

    // Where Print ops write their lines; Console.Error when null.
    public TextWriter? PrintOutput { get; init; }

    // The address of a running cluster's node (akka.tcp://actorgraph@127.0.0.1:4053); null = local mode.
    public string? Cluster { get; init; }

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

    // The training job whose parameter servers this session is: a later session of the same job on the
    // same store finds their state again. Null: a job of this session alone.
    public string? CheckpointJob { get; init; }

    // How long a checkpoint's save or restore may take before it fails.
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromSeconds(120);

    internal void Validate()
    {
        if (Workers < 1) throw new ArgumentException($"SessionOptions.Workers is {Workers}; a session needs at least 1 worker.");
        if (ParameterServers < 1) throw new ArgumentException($"SessionOptions.ParameterServers is {ParameterServers}; a session needs at least 1 parameter server.");
        if (CheckpointEverySteps < 0) throw new ArgumentException($"SessionOptions.CheckpointEverySteps is {CheckpointEverySteps}; give 0 (off) or a number of steps.");
        if (CheckpointEvery is { } every && every <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.CheckpointEvery is {every}; give a positive time, or null (off).");
        if (CheckpointsToKeep < 1) throw new ArgumentException($"SessionOptions.CheckpointsToKeep is {CheckpointsToKeep}; keep at least 1.");
        if (CheckpointTimeout <= TimeSpan.Zero) throw new ArgumentException($"SessionOptions.CheckpointTimeout is {CheckpointTimeout}; give a positive time.");
        if (Durability == Durability.Journal)
            throw new ArgumentException("SessionOptions.Durability = Journal needs parameter-server actors, which this session's in-process runtime does not have yet; " +
                "use Durability.Checkpoint (the default), or the actorgraph train-demo host for journaled training.");
    }
}
