using ActorGraph.ParameterServer;
using Akka.Actor;
using Akka.Event;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ActorGraph.Coordinator.Cluster;

// The cluster's coordinator: a singleton on the coordinator nodes. It admits nodes that prove the
// cluster's secret, numbers the workers, places shards (ps tasks) on ps nodes and moves them when a
// node goes, and opens one CoordinatorActor child per client session, telling each who serves now.
// A new singleton (its node went) rebuilds all of this from the members and what their shards hold.
public sealed partial class ClusterCoordinatorActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    // Members seen when the singleton starts get this long to prove themselves before sessions open.
    private static readonly TimeSpan StartupWindow = TimeSpan.FromSeconds(5);

    private readonly AkkaCluster _cluster = AkkaCluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ClusterSecret _secret;
    private readonly Dictionary<IActorRef, (IActorRef Client, string Path)> _sessions = [];
    private readonly Dictionary<string, int> _directory = new(StringComparer.Ordinal);
    private bool _startupOver;

    public ClusterCoordinatorActor(ClusterSecret secret)
    {
        _secret = secret;
        Receive<OpenSession>(Handle);
        Receive<CloseSession>(Handle);
        Receive<GetClusterStatus>(Handle);
        Receive<VariablesPlaced>(Handle);
        Receive<Terminated>(Handle);
        Receive<StartupWindowPassed>(_ =>
        {
            _startupOver = true;
            if (Ready) Stash.UnstashAll();
        });
        Members();
        Resets();
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ClusterSecret secret) => Akka.Actor.Props.Create(() => new ClusterCoordinatorActor(secret));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(Akka.Cluster.ClusterEvent.IMemberEvent), typeof(Akka.Cluster.ClusterEvent.IReachabilityEvent));
        Timers.StartSingleTimer("startup", new StartupWindowPassed(), StartupWindow);
        _log.Info("Coordinator singleton started on {0}", _cluster.SelfAddress);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    // Sessions open once every member seen at start has been heard (or the window has passed) and
    // at least one worker and one shard serve: a session needs both.
    private bool Ready => (_startupOver || _proving.Count == 0) && LiveWorkers > 0 && _shards.Any(s => s.Path.Length > 0) && _pendingHosts.Count == 0;

    private void Handle(OpenSession m)
    {
        if (!_secret.Verify("session", m.ClientPath, m.Proof))
        {
            _log.Warning("Refused a session from {0}: its proof of the cluster secret is wrong", m.ClientPath);
            Sender.Tell(new SessionRefused("the cluster refused the session: the client's secret is not the cluster's " +
                "(give the client the secret the nodes were started with: --secret, ACTORGRAPH_SECRET or SessionOptions.ClusterSecret).", Retry: false));
            return;
        }
        if (!Ready)
        {
            if (!_startupOver) Stash.Stash();
            else Sender.Tell(new SessionRefused(NotReadyReason(), Retry: true));
            return;
        }
        var client = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(m.ClientPath);
        var settings = new ClusterSession(IdBase(), new Dictionary<string, int>(_directory), _cluster.SelfAddress, m.DataParallel?.ToSettings());
        var timeout = TimeSpan.FromMilliseconds(Math.Max(1, m.StepTimeoutMs));
        // On the channel's inline dispatcher, as its worker: a RunStep plans on the receive loop that brought it, and a
        // worker of this node answers the step actor on its own thread, which answers the client at once. Through
        // the thread pool each hop waited 50-600 µs for a thread to wake on a node's busy cores.
        var session = Context.ActorOf(CoordinatorActor.Props([], [], timeout, settings).WithDispatcher(InlineDispatcher.OnChannelPath), $"session-{Guid.NewGuid():N}");
        session.Tell(Membership());
        Context.Watch(session);
        Context.Watch(client);
        var path = session.Path.ToSerializationFormatWithAddress(_cluster.SelfAddress);
        _sessions[session] = (client, path);
        _log.Info("Opened session {0} for {1}", session.Path.Name, m.ClientPath);
        Sender.Tell(new SessionOpened(path, Contacts()));
    }

    // Who serves the cluster, and where, is for its own clients only.
    private void Handle(GetClusterStatus m)
    {
        if (_secret.Verify("status", m.ClientAddress, m.Proof))
        {
            Sender.Tell(Status());
            return;
        }
        _log.Warning("Refused a status query from {0}: its proof of the cluster secret is wrong", m.ClientAddress);
        Sender.Tell(new ClusterStatusRefused("the cluster refused the status query: the client's secret is not the cluster's " +
            "(give it the secret the nodes were started with: --secret or ACTORGRAPH_SECRET)."));
    }

    private void Handle(CloseSession m)
    {
        foreach (var (session, entry) in _sessions)
            if (entry.Path == m.SessionPath) Context.Stop(session);
    }

    private void Handle(VariablesPlaced m)
    {
        for (int i = 0; i < m.Names.Length; i++) _directory.TryAdd(m.Names[i], m.Shards[i]);
    }

    // A session ends with its client (gone, or its system shut down) or with its own coordinator.
    private void Handle(Terminated t)
    {
        if (_sessions.Remove(t.ActorRef)) return;
        foreach (var (session, entry) in _sessions.Where(s => s.Value.Client.Equals(t.ActorRef)).ToArray())
        {
            _log.Info("Client {0} went away: closing its session", entry.Client.Path);
            Context.Stop(session);
        }
    }

    private void Publish()
    {
        var membership = Membership();
        foreach (var session in _sessions.Keys) session.Tell(membership);
        if (Ready) Stash.UnstashAll();
    }

    // Random high bits: ids of sessions of this and of any later singleton do not meet on a worker.
    private static long IdBase() => Random.Shared.NextInt64(1, 1L << 30) << 32;

    private string[] Contacts() =>
        _cluster.State.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up).Select(m => m.Address.ToString()).ToArray();
}
