using ActorGraph.Messaging;
using Akka.Actor;
using Akka.Configuration;

namespace ActorGraph;

// The ActorSystem that hosts the store plugins for sessions that have no actors of their own (the
// in-process executor): one per process, started on the first checkpoint.
internal static class CheckpointSystem
{
    private static readonly Lazy<ActorSystem> System = new(() => ActorSystem.Create("actorgraph-checkpoints", ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """).WithFallback(ActorGraphSerialization.Hocon)));

    public static ActorSystem Shared => System.Value;
}
