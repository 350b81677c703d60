using Akka.Actor;

namespace ActorGraph.Worker;

// What a step needs to know of the worker around it: where its peers are (the tensor channel's view, in an actor)
// and whether another step may still read the held copies it would write.
internal interface IStepSurroundings
{
    IActorRef Self { get; }

    // "/job:worker/task:N", for messages.
    string WorkerName { get; }

    // Tensors to it are not serialized, so kernel buffers may be lent to it.
    bool IsInProcess(IActorRef actor);

    // A message to it goes on the tensor channel, serialized before the send returns.
    bool SerializesNow(IActorRef actor);

    // Its path with this node's address, for a peer on another node to answer it.
    string FullPath(IActorRef actor);

    bool OthersRunStages(WorkerStep step);

    // The positions of the dataset iterators this worker runs: they outlive every step.
    Execution.IteratorStore Iterators { get; }
}
