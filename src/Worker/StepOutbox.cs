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
