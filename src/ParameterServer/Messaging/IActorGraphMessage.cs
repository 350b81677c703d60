namespace ActorGraph.Messaging;

// Every actor message, event and snapshot of the project: the one type bound to
// ActorGraphSerializer, so nothing else can be named by a payload.
public interface IActorGraphMessage;
