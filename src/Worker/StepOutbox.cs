using ActorGraph.Messaging;
using Akka.Actor;

namespace ActorGraph.Worker;

// What a worker's steps ask it to send, in order. The actor sends it all after each piece of a step's progress
// (WorkerActor.Flush), so a stage's tensors leave before the next stage runs; the list is reused, step after step.
internal sealed class StepOutbox
{
    private readonly List<(IActorRef To, IActorGraphMessage Message)> _messages = [];

    public int Count => _messages.Count;

    public (IActorRef To, IActorGraphMessage Message) this[int i] => _messages[i];

    public void Send(IActorRef to, IActorGraphMessage message) => _messages.Add((to, message));

    public void Clear() => _messages.Clear();
}

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
}
