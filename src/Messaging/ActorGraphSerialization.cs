using Akka.Configuration;

namespace ActorGraph.Messaging;

// Add to every ActorSystem of the project: config.WithFallback(ActorGraphSerialization.Hocon).
public static class ActorGraphSerialization
{
    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.actorgraph = "{{typeof(ActorGraphSerializer).AssemblyQualifiedShortName()}}"
          serialization-bindings {
            "{{typeof(IActorGraphMessage).AssemblyQualifiedShortName()}}" = actorgraph
          }
          serialization-identifiers {
            "{{typeof(ActorGraphSerializer).AssemblyQualifiedShortName()}}" = {{ActorGraphSerializer.Id}}
          }
        }
        """);

    private static string AssemblyQualifiedShortName(this Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
