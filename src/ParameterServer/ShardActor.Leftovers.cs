using System.Collections.Concurrent;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Event;

namespace ActorGraph.ParameterServer;

// Chunks a save left without its snapshot row (the process died, or the store refused the row) are never read again:
// the shard removes them when it has recovered and after each of its saves ends (LeftoverChunks says which are safe).
// It is the only writer under its persistence id, so the saves of this process still running are all it must spare.
public sealed partial class ShardActor
{
    private sealed record LeftoverChunksRemoved(string PersistenceId, IReadOnlyList<long> SequenceNrs, Exception? Failure);

    // Saves from their first chunk until the store answers for their snapshot row. Process-wide, not per actor: an
    // incarnation that crashed may have left a chunk writer or a row write in flight, which its successor must spare.
    private static readonly ConcurrentDictionary<(string PersistenceId, long SequenceNr), bool> Writing = new();

    private void Leftovers() => Command<LeftoverChunksRemoved>(Handle);

    // persistenceId: the shard's own, or a checkpoint's own key it wrote under (and whose save has ended).
    private void RemoveLeftoverChunks(string persistenceId, string pluginId)
    {
        if (StorePlugins.StoreOf(pluginId) is not { } store) return;
        var inProgress = Writing.Keys.Where(k => k.PersistenceId == persistenceId).Select(k => k.SequenceNr).ToHashSet();
        // A save that starts after this look takes a higher sequence number than any it sees.
        long upTo = persistenceId == PersistenceId ? LastSequenceNr : long.MaxValue;
        Task.Run(() => LeftoverChunks.Remove(new ChunkTable(store), persistenceId, inProgress, upTo))
            .ContinueWith(t => new LeftoverChunksRemoved(persistenceId, t.IsCompletedSuccessfully ? t.Result : [], t.Exception?.GetBaseException()), TaskScheduler.Default)
            .PipeTo(Self);
    }

    private void Handle(LeftoverChunksRemoved removed)
    {
        if (removed.Failure is { } failure)
            _log.Warning("Parameter server {0} could not remove the chunks of unfinished saves under {1}: {2}", _state.Device, removed.PersistenceId, failure.Message);
        else if (removed.SequenceNrs.Count > 0)
            _log.Info("Parameter server {0} removed the chunks of {1} unfinished save(s) under {2} (sequence nrs {3})",
                _state.Device, removed.SequenceNrs.Count, removed.PersistenceId, string.Join(", ", removed.SequenceNrs));
    }
}
