using Akka.Actor;

namespace ActorGraph;

// A local session's actors, in task order.
public sealed record RuntimeActors(IActorRef Coordinator, IReadOnlyList<IActorRef> Workers, IReadOnlyList<IActorRef> ParameterServers);
