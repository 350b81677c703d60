using ActorGraph.Messaging.Channel;
using Akka.Configuration;
using Akka.Dispatch;

namespace ActorGraph;

// A dispatcher that runs an actor whose mailbox is idle on the thread that sends to it, so a step travels
// session → coordinator → worker → shard and back without a thread hop (each hop through the thread pool
// costs microseconds on an idle machine, and up to hundreds on a node's busy cores). Mailboxes keep their
// one-at-a-time guarantee; past a nesting depth, work goes to the thread pool instead.
//
// Local mode (ConfigPath) runs inline from any thread: every sender is the session's caller or one of its actors.
// A cluster node (OnChannelPath) runs inline only from a tensor channel's receive loop, and from the actors that
// loop is running: there a step's messages arrive (RunStep, VariablesRead, TensorsSent), and the loop has nothing
// else to do until its actor returns. Any other thread goes through the thread pool: Akka.Remote's readers, the
// scheduler's timer thread and cluster heartbeats must never wait for a step's compute.
internal sealed class InlineDispatcher(MessageDispatcherConfigurator configurator, bool onChannelOnly) : MessageDispatcher(configurator)
{
    public const string ConfigPath = "actorgraph.inline-dispatcher";
    public const string OnChannelPath = "actorgraph.channel-inline-dispatcher";
    private const int MaxDepth = 32;

    [ThreadStatic] private static int _depth;

    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        {{ConfigPath}} {
          type = "{{typeof(InlineDispatcherConfigurator).FullName}}, {{typeof(InlineDispatcherConfigurator).Assembly.GetName().Name}}"
          throughput = 100
        }
        {{OnChannelPath}} {
          type = "{{typeof(InlineDispatcherConfigurator).FullName}}, {{typeof(InlineDispatcherConfigurator).Assembly.GetName().Name}}"
          throughput = 100
          on-channel-only = on
        }
        """);

    protected override void ExecuteTask(IRunnable run)
    {
        if (_depth >= MaxDepth || (onChannelOnly && _depth == 0 && !BulkChannel.IsDelivering))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => r.Run(), run, preferLocal: false);
            return;
        }
        _depth++;
        try
        {
            run.Run();
        }
        finally
        {
            _depth--;
        }
    }

    protected override void Shutdown() { }
}

internal sealed class InlineDispatcherConfigurator : MessageDispatcherConfigurator
{
    private readonly InlineDispatcher _instance;

    public InlineDispatcherConfigurator(Config config, IDispatcherPrerequisites prerequisites) : base(config, prerequisites) =>
        _instance = new InlineDispatcher(this, config.GetBoolean("on-channel-only", false));

    public override MessageDispatcher Dispatcher() => _instance;
}
