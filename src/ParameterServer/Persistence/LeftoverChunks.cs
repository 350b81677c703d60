namespace ActorGraph.ParameterServer.Persistence;

// Which of a persistence id's chunked saves are leftovers. A save writes its chunks first and its snapshot row after
// them, and chunks are read only through that row (it holds their checksums): chunks under a sequence number with no
// snapshot row belong to a save that died or failed before storing it, unless that save is still running. The
// catalog's entries are kept too, so nothing a listed checkpoint names is ever removed.
public static class LeftoverChunks
{
    // upTo: the highest sequence number a save had taken when the caller looked (later saves take higher ones);
    // inProgress: the caller's saves still running.
    public static IReadOnlyList<long> Of(IEnumerable<long> chunked, IReadOnlySet<long> snapshots, IReadOnlySet<long> listed,
        IReadOnlySet<long> inProgress, long upTo) =>
        [.. chunked.Where(s => s <= upTo && !snapshots.Contains(s) && !listed.Contains(s) && !inProgress.Contains(s)).Distinct().Order()];

    // Looks at keys only (the tables' primary-key indexes, never a blob), then deletes the leftovers' rows.
    // Returns the sequence numbers whose chunks were removed.
    public static IReadOnlyList<long> Remove(ChunkTable chunks, string persistenceId, IReadOnlySet<long> inProgress, long upTo)
    {
        var (chunked, snapshots) = chunks.Keys(persistenceId);
        if (chunked.Count == 0) return [];
        var catalog = new CheckpointCatalog(chunks.Store);
        catalog.EnsureCreated();
        var listed = catalog.List().SelectMany(m => m.Shards).Where(s => s.PersistenceId == persistenceId).Select(s => s.SequenceNr).ToHashSet();
        var leftovers = Of(chunked, snapshots, listed, inProgress, upTo);
        foreach (var sequenceNr in leftovers) chunks.Delete(persistenceId, sequenceNr);
        return leftovers;
    }
}
