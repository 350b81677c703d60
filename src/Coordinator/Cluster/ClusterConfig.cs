using ActorGraph.Messaging;
using Akka.Actor;
using Akka.Configuration;

namespace ActorGraph.Coordinator.Cluster;

// HOCON for cluster nodes and for a session's client system: remoting on loopback unless told
// otherwise, the project's serializer, frames large enough for tensors (the 128000-byte default is
// not), and failure detection and downing quick enough for a loopback cluster. deploy/*.hocon and
// flags override these.
public static class ClusterConfig
{
    public const string DefaultSystemName = "actorgraph";
    public const int FrameBytes = 64 << 20;
    private const int BufferBytes = 8 << 20;

    public static Config Remoting { get; } = ConfigurationFactory.ParseString($$"""
        # Large tensors to a process of the same machine go through a ring in /dev/shm of this size (0: off).
        actorgraph.shared-memory-lane = 8MiB
        akka {
          loglevel = INFO
          stdout-loglevel = WARNING
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          remote {
            log-remote-lifecycle-events = off
            dot-netty.tcp {
              hostname = 127.0.0.1
              port = 0
              maximum-frame-size = {{FrameBytes}}b
              send-buffer-size = {{BufferBytes}}b
              receive-buffer-size = {{BufferBytes}}b
            }
          }
        }
        """).WithFallback(ActorGraphSerialization.Hocon);

    public static Config Node { get; } = ConfigurationFactory.ParseString("""
        akka {
          actor.provider = cluster
          coordinated-shutdown.exit-clr = off
          cluster {
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-majority
              stable-after = 3s
            }
            failure-detector {
              heartbeat-interval = 1s
              acceptable-heartbeat-pause = 3s
            }
            singleton {
              role = coordinator
              hand-over-retry-interval = 500ms
            }
            singleton-proxy {
              role = coordinator
              singleton-identification-interval = 500ms
              buffer-size = 1000
            }
            run-coordinated-shutdown-when-down = on
          }
        }
        actorgraph.secret = ""
        """).WithFallback(InlineDispatcher.Hocon).WithFallback(Remoting);

    // A session's client: remoting only (it is not a cluster member), and a watch of its session's
    // coordinator that notices a vanished node within seconds.
    public static Config Client { get; } = ConfigurationFactory.ParseString("""
        akka {
          loglevel = WARNING
          actor.provider = remote
          remote.watch-failure-detector {
            heartbeat-interval = 1s
            acceptable-heartbeat-pause = 4s
          }
        }
        """).WithFallback(Remoting);

    // Flags and environment variables of `actorgraph node`, above every file.
    public static Config Overrides(NodeSettings s)
    {
        var lines = new List<string> { $"akka.cluster.roles = [{string.Join(", ", s.Roles.Select(Quote))}]" };
        if (s.Host is { } host) lines.Add($"akka.remote.dot-netty.tcp.hostname = {Quote(host)}");
        if (s.PublicHost is { } publicHost) lines.Add($"akka.remote.dot-netty.tcp.public-hostname = {Quote(publicHost)}");
        if (s.Port is { } port) lines.Add($"akka.remote.dot-netty.tcp.port = {port}");
        if (s.Seeds.Count > 0) lines.Add($"akka.cluster.seed-nodes = [{string.Join(", ", s.Seeds.Select(seed => Quote(WithProtocol(seed, s.Tls))))}]");
        if (s.Secret is { } secret) lines.Add($"actorgraph.secret = {Quote(secret)}");
        if (s.Store is { } store) lines.Add($"actorgraph.store = {Quote(store)}");
        return ConfigurationFactory.ParseString(string.Join("\n", lines));
    }

    // actorgraph.shared-memory-lane, for TransportOptions.SharedMemoryLaneBytes.
    public static int SharedMemoryLaneBytes(Config config)
    {
        long bytes = config.GetByteSize("actorgraph.shared-memory-lane") ?? 0;
        if (bytes != 0 && bytes < Transport.TensorSender.LaneMinBytes || bytes > 1L << 30)
            throw new ArgumentException($"actorgraph.shared-memory-lane = {bytes} bytes: give 0 (off) or {Transport.TensorSender.LaneMinBytes} bytes to 1GiB.");
        return (int)bytes;
    }

    public static Address ParseAddress(string address)
    {
        if (!Address.TryParse(address, out var parsed) || parsed.Host is null || parsed.Port is null || parsed.Protocol is not ("akka.tcp" or "akka.ssl.tcp"))
            throw new ArgumentException($"The cluster address '{address}' is not one: give the address of a running cluster's node, " +
                "as akka.tcp://actorgraph@127.0.0.1:4053.");
        return parsed;
    }

    // A node's address as remoting names it: akka.ssl.tcp:// when it speaks TLS, akka.tcp:// otherwise
    // (users may give either form).
    public static string WithProtocol(string address, RemotingTls? tls)
    {
        const string plain = "akka.tcp://", secure = "akka.ssl.tcp://";
        if (tls is not null && address.StartsWith(plain, StringComparison.Ordinal)) return secure + address[plain.Length..];
        if (tls is null && address.StartsWith(secure, StringComparison.Ordinal)) return plain + address[secure.Length..];
        return address;
    }

    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}

// What `actorgraph node` was told: its role (or roles, comma-separated), where to listen, whom to join.
public sealed record NodeSettings(
    string Role,
    string? Host = null,
    int? Port = null,
    IReadOnlyList<string>? SeedList = null,
    string? Store = null,
    string? Secret = null,
    string SystemName = ClusterConfig.DefaultSystemName,
    string? PublicHost = null,
    RemotingTls? Tls = null)
{
    public IReadOnlyList<string> Seeds => SeedList ?? [];
    public IReadOnlyList<string> Roles => NodeRoles.Parse(Role);
}
