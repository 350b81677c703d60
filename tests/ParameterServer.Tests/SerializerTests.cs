using ActorGraph.Execution;
using System.Runtime.Serialization;
using ActorGraph.Messaging;
using Akka.Serialization;
using Akka.TestKit.Xunit2;
using MessagePack;
using Xunit;

namespace ActorGraph.ParameterServer.Tests;

public sealed class SerializerTests() : TestKit(Samples.ActorConfig)
{
    public static TheoryData<string> Manifests() => [.. MessageTypes.All.Select(t => MessageTypes.ManifestOf(t))];

    [Fact]
    public void The_registry_holds_the_shard_protocol_events_and_state()
    {
        foreach (var type in new[] { typeof(ReadVariables), typeof(VariablesRead), typeof(ApplyUpdates), typeof(UpdatesApplied),
                     typeof(ShardRequestFailed), typeof(UpdateApplied), typeof(ShardState), typeof(ShardRestarted) })
            Assert.Contains(type, MessageTypes.All);
        Assert.DoesNotContain(typeof(WireUpdate), MessageTypes.All);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Every_message_type_round_trips_through_the_akka_serializer(string manifest)
    {
        var type = MessageTypes.TypeOf(manifest);
        var message = Samples.Instance(type);
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ActorGraphSerializer>(serializer);
        var bytes = serializer.ToBinary(message);
        var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, Serialization.ManifestFor(serializer, message));
        Assert.IsType(type, back);
        Assert.Equal(bytes, serializer.ToBinary(back));
    }

    [Fact]
    public void An_update_batch_keeps_its_routing_across_the_wire()
    {
        var routing = new UpdateRouting(Replicas: 3, Weight: 0.25, AckTo: "akka.tcp://c@h:1/user/gatherer", AckAlso: "akka.tcp://c@h:1/user/client");
        var message = new ApplyUpdates(7, [new WireUpdate(UpdateKind.AssignAdd, "w", [], [Samples.Floats(1, 2)])], [0], routing, ReplayedOn: [5]);
        var back = (ApplyUpdates)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(message), nameof(ApplyUpdates));
        Assert.Equal(routing, back.Routing);
        Assert.Equal([0], back.Wanted!);
        Assert.Equal([5L], back.ReplayedOn!);
        Assert.Null(((ApplyUpdates)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(message with { Routing = null }), nameof(ApplyUpdates))).Routing);
    }

    [Fact]
    public void Only_a_batch_with_something_to_route_carries_a_routing()
    {
        Assert.Null(UpdateRouting.Of(replicas: 1, weight: 1, ackTo: null, ackAlso: null));
        Assert.Equal(new UpdateRouting(0, 1, "gatherer", null), UpdateRouting.Of(0, 1, "gatherer", null));
        Assert.Equal(new UpdateRouting(2, 0.5), UpdateRouting.Of(2, 0.5, null, null));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_instead_of_resolving_a_clr_type()
    {
        var bytes = ActorGraphSerializer.Serialize(new GetShardStatus());
        foreach (var manifest in new[] { "FileInfo", "System.IO.FileInfo, System.Runtime", "", new string('x', 10_000) })
            Assert.Throws<SerializationException>(() => ActorGraphSerializer.Deserialize(bytes, manifest));
    }

    [Fact]
    public void A_type_outside_the_registry_is_refused_on_the_way_out()
    {
        Assert.Throws<SerializationException>(() => MessageTypes.ManifestOf(typeof(string)));
    }

    [Fact]
    public void Truncated_messages_throw_serialization_errors()
    {
        var message = new ApplyUpdates(3, [new WireUpdate(UpdateKind.Adam, "w", ["m", "v", "b1", "b2"], [0.1f, 0.9f, 0.99f, 1e-8f, Samples.Floats(1, 2, 3)])]);
        var bytes = ActorGraphSerializer.Serialize(message);
        for (int n = 0; n < bytes.Length; n++)
            Assert.Throws<MessagePackSerializationException>(() => ActorGraphSerializer.Deserialize(bytes.AsMemory(0, n), nameof(ApplyUpdates)));
    }

    [Fact]
    public void Random_bytes_throw_serialization_errors_for_every_manifest()
    {
        var random = new Random(1234);
        foreach (var type in MessageTypes.All)
        {
            var valid = ActorGraphSerializer.Serialize(Samples.Instance(type));
            for (int i = 0; i < 200; i++)
            {
                var bytes = (byte[])valid.Clone();
                for (int k = 0; k < 1 + i % 4; k++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                try
                {
                    ActorGraphSerializer.Deserialize(bytes, type.Name);
                }
                catch (Exception e) when (e is MessagePackSerializationException or SerializationException)
                {
                    // Refused: the only acceptable failures. A corrupted payload may also still decode.
                }
            }
        }
    }
}
