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
