using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorGraph.Coordinator.Tests.Support;

// The default mailbox of a test's system, with a gate per actor: a closed gate holds the actor's ordinary
// messages, while system messages (a Stop) still get through. It freezes a real actor mid-step.
public sealed class GatedMailbox(Settings settings, Config config) : MailboxType(settings, config)
{
    public static Config Hocon { get; } = ConfigurationFactory.ParseString(
        $"akka.actor.default-mailbox.mailbox-type = \"{typeof(GatedMailbox).FullName}, {typeof(GatedMailbox).Assembly.GetName().Name}\"");

    private static readonly ConcurrentDictionary<ActorPath, GatedQueue> Queues = new();

    public override IMessageQueue Create(IActorRef owner, ActorSystem system)
    {
        var queue = new GatedQueue();
        if (owner is not null) Queues[owner.Path] = queue;
        return queue;
    }

    public static void Close(IActorRef actor) => Queues[actor.Path].Closed = true;

    public static bool Holds<T>(IActorRef actor) => Queues.TryGetValue(actor.Path, out var q) && q.Holds<T>();

    private sealed class GatedQueue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private readonly ConcurrentQueue<Envelope> _queue = new();

        public volatile bool Closed;

        public bool HasMessages => !Closed && !_queue.IsEmpty;
        public int Count => _queue.Count;

        public void Enqueue(IActorRef receiver, Envelope envelope) => _queue.Enqueue(envelope);

        public bool TryDequeue(out Envelope envelope)
        {
            if (!Closed) return _queue.TryDequeue(out envelope);
            envelope = default;
            return false;
        }

        public bool Holds<T>() => _queue.Any(e => e.Message is T);

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (_queue.TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
            if (owner is not null) Queues.TryRemove(owner.Path, out _);
        }
    }
}
