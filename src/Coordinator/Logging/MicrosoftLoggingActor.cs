using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Microsoft.Extensions.Logging;
using AkkaLogLevel = Akka.Event.LogLevel;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorGraph.Coordinator.Logging;

// An Akka logger (akka.loggers): each log event goes to the ILoggerFactory of the system's
// LoggerFactorySetup, under the category of the Akka class that logged it ("Akka" for a bare source).
public sealed class MicrosoftLoggingActor : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly ILoggerFactory _factory;
    private readonly Dictionary<Type, ILogger> _byClass = [];
    private readonly ILogger _fallback;

    public MicrosoftLoggingActor()
    {
        var setup = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        if (!setup.HasValue)
            throw new ConfigurationException($"{nameof(MicrosoftLoggingActor)} needs a {nameof(LoggerFactorySetup)} in the ActorSystem's setup; create the system with AkkaLogging.CreateSystem.");
        _factory = setup.Value.Factory;
        _fallback = _factory.CreateLogger("Akka");
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Handle);
    }

    private void Handle(LogEvent e)
    {
        var logger = LoggerFor(e.LogClass);
        var level = LevelOf(e.LogLevel());
        if (!logger.IsEnabled(level)) return;
        logger.Log(level, e.Cause, "[{LogSource}] {Message}", e.LogSource, e.Message);
    }

    private ILogger LoggerFor(Type? logClass)
    {
        if (logClass is null || logClass == typeof(DummyClassForStringSources)) return _fallback;
        if (!_byClass.TryGetValue(logClass, out var logger))
            _byClass[logClass] = logger = _factory.CreateLogger((logClass.FullName ?? logClass.Name).Split('`')[0]);
        return logger;
    }

    private static LogLevel LevelOf(AkkaLogLevel level) => level switch
    {
        AkkaLogLevel.DebugLevel => LogLevel.Debug,
        AkkaLogLevel.InfoLevel => LogLevel.Information,
        AkkaLogLevel.WarningLevel => LogLevel.Warning,
        _ => LogLevel.Error,
    };
}
