using Akka.Actor;

namespace ActorGraph.Worker;

// The variable values this worker holds from shards on other nodes, with their versions (see
// ShardActor.HeldCopies): a read that names a held version is served from here. One copy per variable
// and shard, replaced when a newer one comes; the arrays are never written (reads are inputs only).
// Copies live while a registered partition reads them (Retain, when partitions are forgotten).
internal sealed class HeldCopies
{
    private readonly Dictionary<(IActorRef Shard, string Name), (long Version, NDArray Value)> _held = [];

    public void Keep(IActorRef shard, string name, long version, NDArray value) => _held[(shard, name)] = (version, value);

    public NDArray? Find(IActorRef shard, string name, long version) =>
        _held.TryGetValue((shard, name), out var held) && held.Version == version ? held.Value : null;

    // Drops the copies no partition reads any more (their sessions ended): a later read of one comes in full.
    public void Retain(IReadOnlySet<(IActorRef Shard, string Name)> read)
    {
        foreach (var key in _held.Keys.Where(k => !read.Contains(k)).ToArray()) _held.Remove(key);
    }
}
