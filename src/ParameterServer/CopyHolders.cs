using ActorGraph.Training;

namespace ActorGraph.ParameterServer;

// Copies held by readers on other nodes. Such a reader keeps every value it receives from the shard, with the value's
// version; a read of a variable it holds at the current version then sends the version alone. After a reader's
// updates are applied, the shard pushes it the new values of what it read that step (VariablesPushed, after
// UpdatesApplied), so the next step's read carries no values: the ~1 MB of an MLP's weights leave the next step's
// critical path and cross while the step's answer travels. A reader that applies its own updates to its copies
// (ApplyUpdates.ReplayedOn) is sent the new versions alone (UpdatesReplayed), and the weights cross only once.
// A reader that lacks a held value (it restarted) asks again with ReadVariables.Fresh.
internal sealed class CopyHolders<TReader>(VariableVersions versions) where TReader : notnull
{
    private readonly Dictionary<TReader, ReaderCopies> _readers = [];

    public ReaderCopies? Find(TReader reader) => _readers.GetValueOrDefault(reader);

    // added: a reader not seen before, whose end the shard watches for (Forget).
    public ReaderCopies GetOrAdd(TReader reader, out bool added)
    {
        added = !_readers.TryGetValue(reader, out var copies);
        if (copies is null) _readers[reader] = copies = new ReaderCopies(versions);
        return copies;
    }

    public void Forget(TReader reader) => _readers.Remove(reader);
}

// What one reader on another node holds: the version of each value it got, and what its last step read.
internal sealed class ReaderCopies(VariableVersions current)
{
    private readonly Dictionary<string, long> _held = new(StringComparer.Ordinal);
    private string[] _lastRead = [];

    // The reply to the reader's read: a value it holds at the current version goes as the version alone.
    public VariablesRead Versioned(ReadVariables command, VariablesRead read)
    {
        // A Fresh read names only what the reader lacked; its step's reads are the first answer's.
        if (!command.Fresh) _lastRead = command.Names;
        var values = read.Values; // this read's own array (ShardState.Read makes one per read)
        var versions = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null) continue;
            var name = command.Names[i];
            long version = versions[i] = current.Of(name);
            if (!command.Fresh && _held.TryGetValue(name, out long held) && held == version) values[i] = null;
            else _held[name] = version;
        }
        return read with { Values = values, Lent = false, Versions = versions };
    }

    // After the reader's updates are applied: the new values of what it read, where they changed since it got them
    // (null when none did). They are the live arrays: the message must be serialized before the shard writes them.
    public VariablesPushed? Changed(ShardState state)
    {
        List<string>? names = null;
        List<long>? versions = null;
        List<NDArray>? values = null;
        foreach (var name in _lastRead)
        {
            if (state.ValueOf(name) is not { } live) continue;
            long version = current.Of(name);
            if (_held.TryGetValue(name, out long held) && held == version) continue;
            _held[name] = version;
            (names ??= []).Add(name);
            (versions ??= []).Add(version);
            (values ??= []).Add(live);
        }
        return names is null ? null : new VariablesPushed([.. names], [.. versions!], [.. values!]);
    }

    // Whether the reader replayed update i of a batch on its copy (ApplyUpdates.ReplayedOn) at the version the shard
    // applied it to, `before`: then its copy is the update's result bit for bit (the same UpdateRules on the same
    // operands), and it now holds the variable's new version, which this returns; 0 when it did not.
    public long Replayed(long[] replayedOn, int i, WireUpdate update, long before)
    {
        if (i >= replayedOn.Length || replayedOn[i] != before || !UpdateKinds.Of(update.Kind).Replayable) return 0;
        if (!_held.TryGetValue(update.Variable, out long held) || held != before) return 0;
        return _held[update.Variable] = current.Of(update.Variable);
    }
}
