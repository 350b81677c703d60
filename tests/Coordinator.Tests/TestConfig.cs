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

    // How long an expected message may take: generous, because a first step in a suite pays the planner's JIT
    // while other suites' classes run beside it on two cores (10 s is not always enough on a fresh clone's first run).
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
}
