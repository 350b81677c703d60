using Akka.Actor;

namespace ActorGraph.ParameterServer;

// A ps node's shards: one ShardActor child per ps task the coordinator singleton gives this node.
// A new singleton learns from ListShards where every shard lives and what it holds.
public sealed class ShardHostActor : ReceiveActor
{
    private readonly Func<int, Props> _shardProps;
    private readonly SortedDictionary<int, IActorRef> _shards = [];

    public ShardHostActor(Func<int, Props> shardProps)
    {
        _shardProps = shardProps;
        Receive<HostShard>(m =>
        {
            if (!_shards.ContainsKey(m.Task)) _shards[m.Task] = Context.ActorOf(_shardProps(m.Task), $"shard-{m.Task}");
            Answer(Sender);
        });
        Receive<ListShards>(_ => Answer(Sender));
    }

    public static Props Props(Func<int, Props>? shardProps = null) =>
        Akka.Actor.Props.Create(() => new ShardHostActor(shardProps ?? ShardActor.Props));

    // The variables come from each shard's status; asked in parallel, answered once all are in.
    private void Answer(IActorRef to)
    {
        var shards = _shards.ToArray();
        var timeout = TimeSpan.FromSeconds(10);
        var statuses = shards.Select(s => s.Value.Ask<ShardStatus>(new GetShardStatus(), timeout)).ToArray();
        var address = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
        var paths = shards.Select(s => s.Value.Path.ToSerializationFormatWithAddress(address)).ToArray();
        // A shard too busy to answer is still listed, with no variables known.
        Task.WhenAll(statuses).ContinueWith(_ => new ShardsHosted(shards.Select(s => s.Key).ToArray(), paths,
                statuses.Select(s => s.IsCompletedSuccessfully ? s.Result.Variables : []).ToArray()),
            TaskContinuationOptions.ExecuteSynchronously).PipeTo(to, Self);
    }
}
