using ActorGraph.Execution;
using Akka.Actor;

namespace ActorGraph.Worker;

// The variable values this worker holds from shards on other nodes, with their versions (see
// CopyHolders): a read that names a held version is served from here. One copy per variable
// and shard, replaced when a newer one comes; the arrays are never written (reads are inputs only).
// Copies live while a registered partition reads them (Retain, when partitions are forgotten).
internal sealed class HeldCopies
{
    private readonly Dictionary<(IActorRef Shard, string Name), (long Version, NDArray Value)> _held = [];
    // This worker's own updates applied to a held copy (ApplyUpdates.ReplayedOn), by the version they were applied
    // to: each becomes the held copy once the shard says which version it is (UpdatesReplayed).
    private readonly Dictionary<(IActorRef Shard, string Name), (long Base, NDArray Value)> _replayed = [];

    // A value from the shard supersedes a replay of an older version, confirmed or not. Marked as a variable's
    // storage: a step that fetches it or sends it on copies it (CompiledPlan's CollectFetches), so nothing outside
    // this worker's steps sees it written by a replay.
    public void Keep(IActorRef shard, string name, long version, NDArray value)
    {
        value.OwnedBy(VariableStorage.Instance);
        _held[(shard, name)] = (version, value);
        _replayed.Remove((shard, name));
    }

    // Takes the copy of this version (this very array) out of those held, for a replay to write into.
    public bool TryTake(IActorRef shard, string name, long version, NDArray value) =>
        ReferenceEquals(Find(shard, name, version), value) && _held.Remove((shard, name));

    public void Replayed(IActorRef shard, string name, long baseVersion, NDArray value) => _replayed[(shard, name)] = (baseVersion, value);

    // A confirmation for another base than the replay's (or for none) changes nothing: the next read of a
    // version this worker lacks asks for the value in full.
    public void Confirm(IActorRef shard, string name, long baseVersion, long version)
    {
        if (_replayed.Remove((shard, name), out var replay) && replay.Base == baseVersion) _held[(shard, name)] = (version, replay.Value);
    }

    public NDArray? Find(IActorRef shard, string name, long version) =>
        _held.TryGetValue((shard, name), out var held) && held.Version == version ? held.Value : null;

    // Drops the copies no partition reads any more (their sessions ended): a later read of one comes in full.
    public void Retain(IReadOnlySet<(IActorRef Shard, string Name)> read)
    {
        foreach (var key in _held.Keys.Where(k => !read.Contains(k)).ToArray()) _held.Remove(key);
        foreach (var key in _replayed.Keys.Where(k => !read.Contains(k)).ToArray()) _replayed.Remove(key);
    }
}
