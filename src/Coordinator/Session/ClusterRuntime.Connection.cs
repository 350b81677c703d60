using System.Net;
using ActorGraph.Coordinator.Cluster;
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

    private sealed class Connection(IActorRef session, string path, Task lost)
    {
        public IActorRef Session { get; } = session;
        public string Path { get; } = path;
        public Task Lost { get; } = lost;
        public string Node => Akka.Actor.ActorPath.TryParse(Path, out var p) ? p.Address.ToString() : Path;
        public readonly object SendLock = new();
        public int SentVersion;
    }

    // One request: sent (on the tensor channel where there is one) with this actor as its sender, which
    // completes the answer with the reply.
    private sealed class RequestActor : ReceiveActor
    {
        public RequestActor(IActorRef session, object request, TaskCompletionSource<object> answer)
        {
            if (request is Channel.IBulkMessage bulk) Channel.BulkChannel.Get(Context.System).Tell(session, bulk, Self);
            else session.Tell(request, Self);
            // The session's own timeouts answer the caller; this only keeps a lost request from living on.
            Context.SetReceiveTimeout(TimeSpan.FromMinutes(10));
            Receive<ReceiveTimeout>(_ => Context.Stop(Self));
            ReceiveAny(reply =>
            {
                answer.TrySetResult(reply);
                Context.Stop(Self);
            });
        }
    }

    private Task<object> Request(IActorRef session, object request)
    {
        var answer = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        _system.ActorOf(Props.Create(() => new RequestActor(session, request, answer)));
        return answer.Task;
    }

    // Remote death watch of the session's coordinator: Terminated when it stops or its node vanishes.
    private sealed class SessionWatcher : ReceiveActor
    {
        public SessionWatcher(IActorRef session, TaskCompletionSource lost)
        {
            Context.Watch(session);
            Receive<Terminated>(_ =>
            {
                lost.TrySetResult();
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
        var channel = Channel.BulkChannel.Get(system);
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
            Receive<Channel.GetTensorEndpoint>(_ => Sender.Tell(Channel.BulkChannel.Get(Context.System).Endpoint is { } endpoint
                ? new Channel.TensorEndpoint(host, endpoint.Port) : new Channel.TensorEndpoint("", 0)));
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
                            Channel.BulkChannel.Get(_system).Connect(session.Path.Address, TimeSpan.FromSeconds(5));
                            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                            _system.ActorOf(Props.Create(() => new SessionWatcher(session, lost)));
                            return _connection = new Connection(session, opened.SessionPath, lost.Task);
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
