using System.Collections.Concurrent;
using ActorGraph.Coordinator;
using ActorGraph.Coordinator.Cluster;
using ActorGraph.Execution;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph;

// Cluster mode's client: an ActorSystem of its own with remoting on loopback (not a cluster member),
// a session opened on the coordinator singleton through any node's singleton proxy, then every Run
// as one request to the session's coordinator, as in local mode. If the coordinator's node goes,
// the step in flight fails with UnavailableException and the next Run opens a session on the
// singleton that takes over, sending it the whole graph again (ClusterRuntime.Connection).
internal sealed partial class ClusterRuntime : ISessionRuntime
{
    private readonly Graph _graph;
    private readonly SessionOptions _options;
    private readonly TextWriter _print;
    private readonly Action<string> _warn;
    private readonly TimeSpan _replyTimeout;
    private readonly StepRequests _requests = new();

    public ClusterRuntime(Graph graph, SessionOptions options)
    {
        _graph = graph;
        _options = options;
        _print = options.PrintOutput ?? Console.Error;
        _warn = SessionLog.Warner(options.Logger);
        _replyTimeout = options.StepTimeout + TimeSpan.FromSeconds(10);
        (_system, _anchor, _contacts) = StartClient(options);
        try
        {
            Connect();
        }
        catch
        {
            _system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
    }

    public RuntimeActors? Actors => null;

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

    // As LocalRuntime.Ask, per connection: a new coordinator starts from an empty graph.
    private object Ask(Func<(int From, OperationDef[] Extend), object> request)
    {
        var connection = Connect();
        PendingReply? answer = null;
        int version = _graph.Version;
        if (version != Volatile.Read(ref connection.SentVersion))
            lock (connection.SendLock)
                if (version > connection.SentVersion)
                {
                    var extend = _graph.ExportSince(connection.SentVersion).ToArray();
                    answer = Request(connection.Session, request((connection.SentVersion, extend)));
                    Volatile.Write(ref connection.SentVersion, connection.SentVersion + extend.Length);
                }
        answer ??= Request(connection.Session, request((version, [])));
        return Await(connection, answer);
    }

    // A request that carries no ops (the coordinator has the ones it names).
    private object AskSession(object request)
    {
        var connection = Connect();
        return Await(connection, Request(connection.Session, request));
    }

    private object Await(Connection connection, PendingReply answer)
    {
        using (connection.LostToken.Register(static reply => ((PendingReply)reply!).Fail(), answer))
            if (!answer.Answer.Wait(_replyTimeout))
            {
                answer.Complete(null);
                throw new DeadlineExceededException($"The cluster's coordinator did not answer within {_replyTimeout.TotalSeconds:0} s.");
            }
        if (answer.Lost)
            throw new UnavailableException($"The cluster's coordinator ({connection.Node}) went away during the step: its node left " +
                "the cluster or cannot be reached. The next Run opens a session on the coordinator that takes over.");
        return answer.Answer.Result;
    }

    private void Print(string? text) => CoordinatorAnswers.Print(_print, text);

    public void Dispose()
    {
        if (_connection is { Lost.IsCompleted: false } connection)
            foreach (var contact in _contacts.ToArray())
                _system.ActorSelection($"{contact}/user/{NodeRoles.SingletonProxy}").Tell(new CloseSession(connection.Path));
        // A moment for CloseSession to leave; the singleton also closes the session when this system goes.
        Thread.Sleep(50);
        _system.Terminate().Wait(TimeSpan.FromSeconds(10));
    }
}
