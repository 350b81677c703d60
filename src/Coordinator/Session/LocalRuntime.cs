using System.Collections.Concurrent;
using ActorGraph.Coordinator;
using ActorGraph.Coordinator.Logging;
using ActorGraph.Execution;
using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;
using Akka.Configuration;

namespace ActorGraph;

// Single-process local mode: a coordinator, workers and parameter-server shards as actors in one
// ActorSystem (the session's own, or the caller's). The coordinator plans over the session's graph itself
// (no copy); a Run is one request to it, carrying the graph's version.
internal sealed partial class LocalRuntime : ISessionRuntime
{
    private static int _sessions;

    private readonly Graph _graph;
    private readonly ActorSystem _system;
    private readonly bool _ownsSystem;
    private readonly TextWriter _print;
    private readonly Action<string> _warn;
    private readonly TimeSpan _replyTimeout;
    private readonly StepRequests _requests = new();

    public LocalRuntime(Graph graph, SessionOptions options, string job)
    {
        _graph = graph;
        _print = options.PrintOutput ?? Console.Error;
        _warn = SessionLog.Warner(options.Logger);
        // The stepActor answers within StepTimeout; past that something is badly wrong, but still no hang.
        _replyTimeout = options.StepTimeout + TimeSpan.FromSeconds(10);
        _ownsSystem = options.ActorSystem is null;
        int id = Interlocked.Increment(ref _sessions);
        _system = options.ActorSystem ?? AkkaLogging.CreateSystem($"actorgraph-local-{id}", LocalConfig, options.LoggerFactory);
        // A caller's system keeps its own dispatcher: its tests decide how its actors are scheduled.
        Props Local(Props props) => _ownsSystem ? props.WithDispatcher(InlineDispatcher.ConfigPath) : props;
        var persistence = ShardPersistenceFor(options, job);
        var shards = Enumerable.Range(0, options.ParameterServers)
            .Select(t => _system.ActorOf(Local(ShardActor.Props(t, persistence[t])), $"session-{id}-ps-{t}")).ToArray();
        WatchRecoveries(persistence);
        var workers = Enumerable.Range(0, options.Workers)
            .Select(t => _system.ActorOf(Local(WorkerActor.Props(t)), $"session-{id}-worker-{t}")).ToArray();
        var coordinator = _system.ActorOf(Local(CoordinatorActor.Props(workers, shards, options.StepTimeout, options.DataParallel, sharedGraph: graph)), $"session-{id}-coordinator");
        Actors = new RuntimeActors(coordinator, workers, shards);
    }

    public static Config LocalConfig { get; } = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
        }
        """).WithFallback(InlineDispatcher.Hocon).WithFallback(ActorGraphSerialization.Hocon);

    public RuntimeActors? Actors { get; }

    public NDArray?[] Run(IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed)
    {
        var (fetchNames, feedNames, feedValues) = _requests.For(fetches, fed);
        return CoordinatorAnswers.Values(Ask(version => new RunStep(version.From, version.Extend, fetchNames, feedNames, feedValues)), fetches, fed, Print, _warn);
    }

    public ExecutionPlan Explain(IReadOnlyList<Fetch> fetches, IReadOnlyList<Tensor> feeds)
    {
        var fetchNames = fetches.Select(StepRequests.NameOf).ToArray();
        var feedNames = feeds.Select(t => t.Name).ToArray();
        return CoordinatorAnswers.Plan(Ask(version => new ExplainStep(version.From, version.Extend, fetchNames, feedNames)));
    }

    // The version is read after the request's fetches and feeds exist, so the coordinator takes in every op they need.
    // No Ask timeout (a timer per step); the wait below bounds it instead.
    private object Ask(Func<(int From, OperationDef[] Extend), object> request)
    {
        var answer = Actors!.Coordinator.Ask<object>(request((_graph.Version, [])), timeout: null);
        if (!answer.Wait(_replyTimeout))
            throw new DeadlineExceededException($"The coordinator did not answer within {_replyTimeout.TotalSeconds:0} s.");
        return answer.Result;
    }

    private void Print(string? text) => CoordinatorAnswers.Print(_print, text);

    public void Dispose()
    {
        if (_ownsSystem)
        {
            _system.Terminate().Wait(TimeSpan.FromSeconds(10));
            return;
        }
        var actors = Actors!;
        if (_recoveryListener is not null) _system.Stop(_recoveryListener);
        _system.Stop(actors.Coordinator);
        foreach (var w in actors.Workers) _system.Stop(w);
        foreach (var s in actors.ParameterServers) _system.Stop(s);
    }
}
