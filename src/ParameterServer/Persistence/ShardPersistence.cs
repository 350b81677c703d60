namespace ActorGraph.ParameterServer.Persistence;

// Where a shard journals and snapshots. Volatile: Akka's in-memory plugins and an id of its own,
// so a shard of a session without a store never touches a database (a crash loses its variables).
public sealed record ShardPersistence(string PersistenceId, string JournalPluginId, string SnapshotPluginId, Durability Durability)
{
    public bool IsVolatile => JournalPluginId == InMemoryJournal;

    private const string InMemoryJournal = "akka.persistence.journal.inmem";
    private const string InMemorySnapshots = "akka.persistence.snapshot-store.inmem";

    public static ShardPersistence Volatile(int task) =>
        new($"volatile-{Guid.NewGuid():N}-ps-{task}", InMemoryJournal, InMemorySnapshots, Durability.Checkpoint);

    // A job's shard on a store: the same job and task find the same state again, in any later process.
    public static ShardPersistence On(CheckpointStore store, string job, int task, Durability durability) =>
        new(PersistenceIdOf(job, task), store.JournalPluginId, store.SnapshotPluginId, durability);

    public static string PersistenceIdOf(string job, int task) => $"actorgraph/{job}/ps-{task}";
}
