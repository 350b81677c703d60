using Akka.Actor;

namespace ActorGraph.Worker;

// The variable values this worker holds from shards on other nodes, with their versions (see
// ShardActor.HeldCopies): a read that names a held version is served from here. One copy per variable
// and shard, replaced when a newer one comes; the arrays are never written (reads are inputs only).
internal sealed class HeldCopies
{
    private readonly Dictionary<(IActorRef Shard, string Name), (long Version, NDArray Value)> _held = [];

    public void Keep(IActorRef shard, string name, long version, NDArray value) => _held[(shard, name)] = (version, value);

    public NDArray? Find(IActorRef shard, string name, long version) =>
        _held.TryGetValue((shard, name), out var held) && held.Version == version ? held.Value : null;
}
