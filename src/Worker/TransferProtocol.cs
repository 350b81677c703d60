using ActorGraph.Messaging.Channel;
using MessagePack;

namespace ActorGraph.Worker;

// Worker to worker: the values of a stage's _Send ops, batched per destination, keyed by
// (step, edge). A null value is a control edge: only its arrival matters.
[MessagePackObject]
public sealed record TensorsSent(
    [property: Key(0)] long StepId,
    [property: Key(1)] long PlanId,
    [property: Key(2)] int[] Edges,
    [property: Key(3)] NDArray?[] Values) : IStableTensors;
