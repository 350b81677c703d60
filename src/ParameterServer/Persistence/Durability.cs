namespace ActorGraph;

// What a parameter-server crash may lose.
public enum Durability
{
    // Snapshots only: a crashed shard returns to the last checkpoint and says which step that was.
    Checkpoint,

    // Every acknowledged assign and update is journaled before its acknowledgement: nothing acknowledged is lost.
    Journal,
}
