namespace ActorGraph;

// TF1's tf.train.Saver: checkpoints of a session's variables in its CheckpointStore.
// variables: those to save and restore; null = every variable of the session's graph (optimizer slots too) and
// its hash tables' rows. A checkpoint always holds the hash tables; a Saver given variables restores only those.
public sealed class Saver(IEnumerable<Variable>? variables = null)
{
    private readonly IReadOnlyList<Variable>? _variables = variables?.ToArray();

    // A consistent cut: new steps wait, steps in flight finish, then every variable is saved at the same
    // global step. Returns the checkpoint's id once the store holds all of it.
    public string Save(Session session, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Checkpoints.Save(VariablesOf(session), name);
    }

    // By id (or by name: the newest checkpoint of that name). Every variable is checked against the
    // checkpoint first; a missing one, another shape or dtype, or a corrupted row restores nothing.
    public void Restore(Session session, string checkpointId)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(checkpointId);
        session.Checkpoints.Restore(VariablesOf(session), checkpointId, withHashTables: _variables is null);
    }

    // The id of the store's newest checkpoint; null when it has none.
    public string? Latest(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Checkpoints.Latest();
    }

    // The store's checkpoints, oldest first.
    public IReadOnlyList<CheckpointInfo> List(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Checkpoints.List();
    }

    private IReadOnlyList<Variable> VariablesOf(Session session)
    {
        var all = _variables ?? session.Graph.Variables;
        foreach (var v in all)
            if (v.Graph != session.Graph)
                throw new InvalidArgumentException($"Variable {v.VariableName} belongs to another graph than the session's.");
        return all;
    }
}

// One checkpoint of a store, as Saver.List and the CLI show it.
public sealed record CheckpointInfo(string Id, string? Name, long Step, DateTimeOffset Time, int Shards, IReadOnlyList<string> Variables);
