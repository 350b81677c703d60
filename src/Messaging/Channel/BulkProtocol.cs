using ActorGraph.Messaging;
using MessagePack;

namespace ActorGraph.Messaging.Channel;

// A message that may be large (tensors): between nodes that both run a tensor channel it travels on
// the channel as one frame instead of through Akka.Remote (BulkChannel.Tell).
public interface IBulkMessage : IActorGraphMessage;

// A bulk message whose sender leaves its tensors unchanged until the receiver has them (it awaits an answer
// that needs them, or gave them away): the channel sends their bytes from the arrays themselves, possibly
// after Tell returns, instead of copying them into the payload (OutOfBandTensors).
public interface IStableTensors : IBulkMessage;

// A bulk message whose loss costs only time (the receiver asks again for what it lacks): if the channel fails
// after its tensors went into the shared-memory lane, it is dropped rather than resent through remoting.
public interface IBestEffort : IBulkMessage;

// What a frame's first entry says about its second: whom it is for, from whom, and its type.
[MessagePackObject]
public sealed record BulkHeader(
    [property: Key(0)] string Target,
    [property: Key(1)] string Sender,
    [property: Key(2)] string Manifest,
    [property: Key(3)] int Length) : IActorGraphMessage;

// Asked of a node's /user/node: where its tensor channel listens ("" host = none).
[MessagePackObject]
public sealed record GetTensorEndpoint : IActorGraphMessage;

[MessagePackObject]
public sealed record TensorEndpoint([property: Key(0)] string Host, [property: Key(1)] int Port) : IActorGraphMessage;

// A node could not read a message sent to one of its actors on the tensor channel (a corrupt frame, or a
// sender of another ActorGraph version): told to the message's sender, so that a caller waiting for an
// answer learns why at once instead of at its deadline.
[MessagePackObject]
public sealed record FrameRefused([property: Key(0)] string Manifest, [property: Key(1)] string Reason) : IActorGraphMessage;
