using ActorGraph.Messaging.Channel;
using System.Net;
using ActorGraph.Coordinator.Cluster;
using ActorGraph.ParameterServer;
using ActorGraph.Coordinator.Logging;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorGraph;

// Opening (and reopening) the session: OpenSession to the singleton proxy of each known node in
// turn until one answers, for up to SessionOptions.ClusterConnectTimeout; the answer names the
// session's coordinator, which the client watches, and the cluster's nodes, its next contacts.
internal sealed partial class ClusterRuntime
{
    private static readonly TimeSpan PerContact = TimeSpan.FromSeconds(5);

    private readonly ActorSystem _system;
    private readonly IActorRef _anchor;
    private readonly List<string> _contacts;
    private readonly object _connectLock = new();
    private volatile Connection? _connection;

    private sealed class Connection(IActorRef session, string path, Task lost, CancellationToken lostToken)
    {
        public IActorRef Session { get; } = session;
        public string Path { get; } = path;
        public Task Lost { get; } = lost;
        public CancellationToken LostToken { get; } = lostToken;
        public string Node => Akka.Actor.ActorPath.TryParse(Path, out var p) ? p.Address.ToString() : Path;
        public readonly object SendLock = new();
        public int SentVersion;
    }

    // One request's reply: a temporary actor ref (no actor, no mailbox) that completes the answer on the thread
    // that delivers the reply. The request leaves from the caller's thread and the reply wakes the caller
    // directly: an actor per request costs each step two thread hand-offs (~150 µs on a busy machine).
    // A StepSucceeded with ShardAcks completes it once that many UpdatesApplied came from the step's shards
    // (before or after it), or a StepFailed comes instead; what else the shards send it is not an answer.
    private sealed class PendingReply : MinimalActorRef
    {
        private static readonly object ConnectionLost = new();
        private readonly TaskCompletionSource<object> _answer = new();
        private readonly object _gate = new();
        private Coordinator.StepSucceeded? _succeeded;
        private int _acks;
        private int _done;

        public override ActorPath Path { get; }
        public override IActorRefProvider Provider { get; }
        public Task<object> Answer => _answer.Task;
        public bool Lost => ReferenceEquals(_answer.Task.Result, ConnectionLost);

        public PendingReply(IActorRefProvider provider)
        {
            (Provider, Path) = (provider, provider.TempPath());
            provider.RegisterTempActor(this, Path);
        }

        protected override void TellInternal(object message, IActorRef sender)
        {
            lock (_gate)
            {
                switch (message)
                {
                    case UpdatesApplied:
                        _acks++;
                        break;
                    case ShardRequestFailed:
                        return;   // the step tracker's StepFailed follows
                    case Coordinator.StepSucceeded { ShardAcks: > 0 } succeeded:
                        _succeeded = succeeded;
                        break;
                    default:
                        Complete(message);
                        return;
                }
                if (_succeeded is { } done && _acks >= done.ShardAcks) Complete(done);
            }
        }

        public void Fail() => Complete(ConnectionLost);

        // The first reply wins; the ref is gone from then on (a late one goes to dead letters).
        public void Complete(object? answer)
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            Provider.UnregisterTempActor(Path);
            if (answer is not null) _answer.TrySetResult(answer);
        }
    }

    // With SessionOptions.CountRequestBytes: what the client has sent, each request's serialized message with
    // the names Akka.Remote's envelope carries beside it (its manifest, recipient and reply-to paths).
    public long RequestBytes => Interlocked.Read(ref _requestBytes);

    private long _requestBytes;

    private PendingReply Request(IActorRef session, object request)
    {
        var reply = new PendingReply(((ExtendedActorSystem)_system).Provider);
        if (_options.CountRequestBytes)
            Interlocked.Add(ref _requestBytes, Messaging.ActorGraphSerializer.Serialize(request).Length + Messaging.MessageTypes.ManifestOf(request.GetType()).Length
                + session.Path.ToSerializationFormat().Length + reply.Path.ToSerializationFormat().Length);
        if (request is IBulkMessage bulk) BulkChannel.Get(_system).Tell(session, bulk, reply);
        else session.Tell(request, reply);
        return reply;
    }

    // Remote death watch of the session's coordinator: Terminated when it stops or its node vanishes.
    private sealed class SessionWatcher : ReceiveActor
    {
        public SessionWatcher(IActorRef session, TaskCompletionSource lost, CancellationTokenSource lostToken)
        {
            Context.Watch(session);
            Receive<Terminated>(_ =>
            {
                lost.TrySetResult();
                lostToken.Cancel();   // fails the requests waiting on it
                Context.Stop(Self);
            });
        }
    }

    private static (ActorSystem, IActorRef, List<string>) StartClient(SessionOptions options)
    {
        var tls = RemotingTls.From(options.ClusterCertificate, options.ClusterCertificatePassword);
        var contact = ClusterConfig.ParseAddress(ClusterConfig.WithProtocol(options.Cluster!, tls));
        string host = options.ClusterClientHost ?? (IsLoopback(contact.Host) ? "127.0.0.1" : "0.0.0.0");
        // Bound to every interface, the cluster needs a name to reach it by.
        string advertised = host == "0.0.0.0" ? Dns.GetHostName() : host;
        var lines = new List<string> { $"akka.remote.dot-netty.tcp.hostname = {ClusterConfig.Quote(host)}" };
        if (host == "0.0.0.0") lines.Add($"akka.remote.dot-netty.tcp.public-hostname = {ClusterConfig.Quote(advertised)}");
        var config = ConfigurationFactory.ParseString(string.Join("\n", lines)).WithFallback(ClusterConfig.Client);
        var system = AkkaLogging.CreateSystem("actorgraph-client", config, options.LoggerFactory, tls);
        var secret = new ClusterSecret(options.ClusterSecret ?? Environment.GetEnvironmentVariable("ACTORGRAPH_SECRET"));
        var channel = BulkChannel.Get(system);
        var channelOptions = new Transport.TransportOptions
        {
            ClusterName = contact.System, SharedSecret = secret.ChannelKey(), NodeName = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString(),
            BindAddress = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host)[0],
            SharedMemoryLaneBytes = ClusterConfig.SharedMemoryLaneBytes(config),
        };
        // A listener too, where remoting listens: the coordinator sends each step's answer (fetched values) on it.
        // Without one (it could not bind) the answers come by Akka.Remote, as before.
        try
        {
            channel.Start(channelOptions, listen: true);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or UnavailableException)
        {
            system.Log.Warning("The session's tensor channel cannot listen on {0} ({1}); step answers come by Akka.Remote", host, e.Message);
            channel.Start(channelOptions, listen: false);
        }
        system.ActorOf(Props.Create(() => new ChannelEndpoint(advertised)), NodeActor.Name);
        var anchor = system.ActorOf(Props.Empty, "session");
        return (system, anchor, [contact.ToString()]);
    }

    // The client's /user/node, as on a node: where its tensor channel listens.
    private sealed class ChannelEndpoint : ReceiveActor
    {
        public ChannelEndpoint(string host) =>
            Receive<GetTensorEndpoint>(_ => Sender.Tell(BulkChannel.Get(Context.System).Endpoint is { } endpoint
                ? new TensorEndpoint(host, endpoint.Port) : new TensorEndpoint("", 0)));
    }

    private static bool IsLoopback(string? host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private Connection Connect()
    {
        if (_connection is { Lost.IsCompleted: false } live) return live;
        lock (_connectLock)
        {
            if (_connection is { Lost.IsCompleted: false } again) return again;
            var self = ((ExtendedActorSystem)_system).Provider.DefaultAddress;
            string anchorPath = _anchor.Path.ToSerializationFormatWithAddress(self);
            var secret = new ClusterSecret(_options.ClusterSecret ?? Environment.GetEnvironmentVariable("ACTORGRAPH_SECRET"));
            var open = new OpenSession(anchorPath, secret.Prove("session", anchorPath), (long)_options.StepTimeout.TotalMilliseconds,
                DataParallelWire.From(_options.DataParallel));
            var deadline = DateTime.UtcNow + _options.ClusterConnectTimeout;
            string reason = "no node answered";
            while (true)
            {
                foreach (var contact in _contacts.ToArray())
                {
                    object reply;
                    try
                    {
                        reply = _system.ActorSelection($"{contact}/user/{NodeRoles.SingletonProxy}").Ask<object>(open, PerContact).GetAwaiter().GetResult();
                    }
                    catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
                    {
                        continue;
                    }
                    switch (reply)
                    {
                        case SessionOpened opened:
                            foreach (var c in opened.Contacts)
                                if (!_contacts.Contains(c)) _contacts.Add(c);
                            var session = ((ExtendedActorSystem)_system).Provider.ResolveActorRef(opened.SessionPath);
                            // Steps go on the tensor channel from the first one, or on remoting throughout: never both, in turn.
                            BulkChannel.Get(_system).Connect(session.Path.Address, TimeSpan.FromSeconds(5));
                            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            var lostToken = new CancellationTokenSource();
                            _system.ActorOf(Props.Create(() => new SessionWatcher(session, lost, lostToken)));
                            return _connection = new Connection(session, opened.SessionPath, lost.Task, lostToken.Token);
                        case SessionRefused { Retry: false } refused:
                            throw new PermissionDeniedException(refused.Reason);
                        case SessionRefused refused:
                            reason = refused.Reason;
                            break;
                    }
                }
                if (DateTime.UtcNow >= deadline)
                    throw new UnavailableException($"Could not open a session on the cluster at {_options.Cluster} within " +
                        $"{_options.ClusterConnectTimeout.TotalSeconds:0} s: {reason}.");
                Thread.Sleep(250);
            }
        }
    }
}
