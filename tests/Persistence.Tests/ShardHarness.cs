using ActorGraph.Execution;
using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Configuration;
using Xunit;

namespace ActorGraph.Persistence.Tests;

// Shards on a real store, driven the way the coordinator drives them.
public static class ShardHarness
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static Config ActorConfig { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.log-dead-letters = off
        """).WithFallback(ActorGraphSerialization.Hocon);

    public static IActorRef[] StartShards(ActorSystem system, CheckpointStore store, string job, int count, Durability durability = Durability.Checkpoint)
    {
        StorePlugins.Attach(system, store);
        return [.. Enumerable.Range(0, count).Select(t => system.ActorOf(ShardActor.Props(t, ShardPersistence.On(store, job, t, durability))))];
    }

    public static async Task<NDArray[]> Update(IActorRef shard, long step, params WireUpdate[] updates)
    {
        var reply = await shard.Ask<object>(new ApplyUpdates(step, updates), Wait);
        return reply switch
        {
            UpdatesApplied applied => applied.Values,
            ShardRequestFailed failed => throw failed.ToException(),
            _ => throw new InvalidOperationException(reply.ToString()),
        };
    }

    public static Task<NDArray[]> Assign(IActorRef shard, string name, NDArray value, long step = 0) =>
        Update(shard, step, new WireUpdate(UpdateKind.Assign, name, [], [value]));

    public static async Task<NDArray?[]> Read(IActorRef shard, params string[] names)
    {
        var reply = await shard.Ask<object>(new ReadVariables(0, names), Wait);
        return reply switch
        {
            VariablesRead read => read.Values,
            ShardRequestFailed failed => throw failed.ToException(),
            _ => throw new InvalidOperationException(reply.ToString()),
        };
    }

    public static async Task<ShardStatus> Status(IActorRef shard) => await shard.Ask<ShardStatus>(new GetShardStatus(), Wait);

    // Variables spread over shards by name, as a coordinator with another shard count would.
    public static Func<string, int> ByName(IReadOnlyList<string> names, int shards)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return name => sorted.IndexOf(name) % shards;
    }

    public static NDArray RandomFloats(int seed, params int[] shape)
    {
        var random = new Random(seed);
        var values = new float[shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle();
        return NDArray.FromArray(values, new Shape(shape));
    }

    public static void SameValues(NDArray expected, NDArray? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToArray<double>(), actual.ToArray<double>());
    }
}
