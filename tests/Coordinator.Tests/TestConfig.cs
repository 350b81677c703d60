using ActorGraph.Messaging;
using Akka.Configuration;

namespace ActorGraph.Coordinator.Tests;

internal static class TestConfig
{
    // Every message of these suites is serialized and read back, as if it crossed a wire.
    public static Config Actors { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.serialize-messages = on
        """).WithFallback(ActorGraphSerialization.Hocon);

    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
}
