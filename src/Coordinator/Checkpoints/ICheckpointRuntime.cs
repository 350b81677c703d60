using ActorGraph.Execution;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph;

// A runtime's part in checkpoints, called with the session's steps held: where its variables are
// and how they get to and from the store.
internal interface ICheckpointRuntime
{
    // Where the store's persistence plugins run.
    ActorSystem CheckpointSystem { get; }

    // requireAll: a variable never set fails the save (a Saver's); else it is left out (an automatic checkpoint's).
    Task<CheckpointManifest> SaveAsync(Checkpoints store, string job, long step, string? name, IReadOnlyList<Variable> variables, bool requireAll, int keep,
        IteratorPosition[] iterators);

    // Every value checked against the variables before the first one changes.
    Task RestoreAsync(Checkpoints store, CheckpointManifest manifest, IReadOnlyList<Variable> variables);

    // Where every dataset iterator stands, on whichever worker runs it.
    IteratorPosition[] IteratorPositions();

    // Each iterator put back where the checkpoint has it; one the checkpoint lacks starts again.
    void RestoreIteratorPositions(IteratorPosition[] positions);

    // Values already loaded from `manifest` and checked (a partitioned variable's parts cut anew), one per variable.
    Task RestoreValuesAsync(CheckpointManifest manifest, IReadOnlyList<Variable> variables, IReadOnlyDictionary<string, NDArray> values);

    // Hash table parts already re-hashed onto the graph's parts, each put in place of the one its holder has.
    Task RestoreHashTablesAsync(CheckpointManifest manifest, IReadOnlyList<HashTables.HashPartContents> parts);
}

internal static class CheckpointVariables
{
    public static Dictionary<string, (DType DType, Shape Shape)> Expected(IReadOnlyList<Variable> variables) =>
        variables.ToDictionary(v => v.VariableName, v => (v.DType, v.Shape), StringComparer.Ordinal);
}
