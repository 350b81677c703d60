using Akka.Actor;
using Akka.Util;

namespace ActorGraph.Worker.Tests;

// A peer of a step that is only a name: the step never sends, it leaves its messages in the outbox.
internal sealed class PeerRef(string name) : IActorRef
{
    public ActorPath Path { get; } = new RootActorPath(new Address("akka", "test")) / "user" / name;

    public void Tell(object message, IActorRef sender) =>
        throw new InvalidOperationException($"A step sent {message.GetType().Name} to {Path} itself instead of through its outbox.");

    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);

    public int CompareTo(IActorRef? other) => other is null ? 1 : Path.CompareTo(other.Path);

    public int CompareTo(object? obj) => CompareTo(obj as IActorRef);

    public ISurrogate ToSurrogate(ActorSystem system) => throw new NotSupportedException("A test peer never crosses a wire.");

    public override string ToString() => Path.ToString();
}

// The worker around the steps under test: which peers are in this process, and whether other steps run stages.
internal sealed class FakeSurroundings(IActorRef self) : IStepSurroundings
{
    public HashSet<IActorRef> Remote { get; } = [];
    public bool ChannelOpen { get; set; } = true;
    public bool OthersRunning { get; set; }

    public IActorRef Self { get; } = self;
    public string WorkerName => "/job:worker/task:0";
    public bool IsInProcess(IActorRef actor) => !Remote.Contains(actor);
    public bool SerializesNow(IActorRef actor) => ChannelOpen && Remote.Contains(actor);
    public string FullPath(IActorRef actor) => "akka.tcp://actorgraph@10.0.0.1:4053" + actor.Path.ToStringWithoutAddress();
    public bool OthersRunStages(WorkerStep step) => OthersRunning;
    public ActorGraph.Execution.IteratorStore Iterators { get; } = new();
}
