namespace ActorGraph.Messaging;

// Every actor message, event and snapshot of the project: the one type bound to
// ActorGraphSerializer, so nothing else can be named by a payload.
public interface IActorGraphMessage;

// A message that knows about how large its serialized form is (within a few KB), so the serializer
// sizes its buffer once instead of doubling it up to a snapshot's size.
public interface ISerializedSizeHint
{
    int SerializedSizeHint { get; }
}
