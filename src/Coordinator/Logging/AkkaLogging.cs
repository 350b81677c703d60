using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorGraph.Coordinator.Logging;

// Akka's own log events (remoting, cluster, persistence, dead letters) of the actor systems this
// process creates, sent through Microsoft.Extensions.Logging instead of Akka's stdout logger, so they
// share the program's format, destination and verbosity.
public static class AkkaLogging
{
    // A system whose log events go to `logging` (without one, Akka's own loggers as `config` says) and
    // whose remoting speaks TLS with the cluster's certificate when `tls` is set.
    public static ActorSystem CreateSystem(string name, Config config, ILoggerFactory? logging, Cluster.RemotingTls? tls = null)
    {
        var setups = new List<Setup>();
        if (logging is not null)
        {
            config = Hocon(logging).WithFallback(config);
            setups.Add(new LoggerFactorySetup(logging));
        }
        if (tls is not null)
        {
            config = Cluster.RemotingTls.Hocon.WithFallback(config);
            setups.Add(tls.SslSetup());
        }
        return setups.Count == 0 ? ActorSystem.Create(name, config)
            : ActorSystem.Create(name, ActorSystemSetup.Create([BootstrapSetup.Create().WithConfig(config), .. setups]));
    }

    // Akka filters before it publishes: it publishes at the lowest level the factory lets through for
    // "Akka", so nothing is built only to be dropped. Akka's DEBUG (its internal chatter: shutdown
    // phases, logger start) only at Trace: at DEBUG Akka also prints a line of its own format on
    // stdout after the logger stops. Before the logger starts, Akka's stdout logger still shows warnings.
    public static Config Hocon(ILoggerFactory logging)
    {
        var probe = logging.CreateLogger("Akka");
        string level = probe.IsEnabled(LogLevel.Trace) ? "DEBUG"
            : probe.IsEnabled(LogLevel.Information) ? "INFO"
            : probe.IsEnabled(LogLevel.Warning) ? "WARNING"
            : "ERROR";
        return ConfigurationFactory.ParseString($$"""
            akka {
              loggers = ["{{typeof(MicrosoftLoggingActor).AssemblyQualifiedName}}"]
              loglevel = {{level}}
              stdout-loglevel = WARNING
            }
            """);
    }
}

// How the logger actor, which Akka creates by type, finds the program's ILoggerFactory.
public sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}
