using Akka.Configuration;
using Akka.Dispatch;

namespace ActorGraph;

// Local mode's dispatcher: an actor whose mailbox is idle runs on the thread that sends to it,
// so a step travels session → coordinator → worker → shard and back without a thread hop (each
// hop through the thread pool costs microseconds; a whole seed step is a few). Mailboxes keep
// their one-at-a-time guarantee; past a nesting depth, work goes to the thread pool instead.
internal sealed class InlineDispatcher(MessageDispatcherConfigurator configurator) : MessageDispatcher(configurator)
{
    public const string ConfigPath = "actorgraph.inline-dispatcher";
    private const int MaxDepth = 32;

    [ThreadStatic] private static int _depth;

    public static Config Hocon { get; } = ConfigurationFactory.ParseString($$"""
        {{ConfigPath}} {
          type = "{{typeof(InlineDispatcherConfigurator).FullName}}, {{typeof(InlineDispatcherConfigurator).Assembly.GetName().Name}}"
          throughput = 100
        }
        """);

    protected override void ExecuteTask(IRunnable run)
    {
        if (_depth >= MaxDepth)
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
        _instance = new InlineDispatcher(this);

    public override MessageDispatcher Dispatcher() => _instance;
}
