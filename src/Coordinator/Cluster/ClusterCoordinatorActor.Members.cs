using ActorGraph.ParameterServer;
using Akka.Actor;
using Akka.Event;
using Akka.Cluster;
using static Akka.Cluster.ClusterEvent;

namespace ActorGraph.Coordinator.Cluster;

// Membership: a node serves once it has proved the secret. Workers get the lowest free task; an
// unreachable one is left out of plans until it is reachable again. Each ps node starts with a new
// shard, or with the shard of a ps node that was removed; an unreachable ps node's shards serve no
// step until it is back or removed (then they move: their state comes back only from a store).
public sealed partial class ClusterCoordinatorActor
{
    private static readonly TimeSpan ProofTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<Address, (Member Member, byte[] Nonce)> _proving = [];
    private readonly Dictionary<Address, Member> _admitted = [];
    private readonly HashSet<Address> _unreachable = [];
    private readonly List<Address?> _workerTasks = [];
    private readonly Dictionary<Address, string> _workerPaths = [];
    private readonly Dictionary<Address, IActorRef> _psHosts = [];
    private readonly List<ShardSlot> _shards = [];
    // ps nodes asked to list or host shards, whose answer has not come yet.
    private readonly HashSet<Address> _pendingHosts = [];

    private sealed class ShardSlot
    {
        public Address? Host;
        public string Path = "";
    }

    private void Members()
    {
        Receive<MemberUp>(m => Consider(m.Member));
        Receive<MemberLeft>(m => Gone(m.Member, removed: false));
        Receive<MemberExited>(m => Gone(m.Member, removed: false));
        Receive<MemberRemoved>(m => Gone(m.Member, removed: true));
        Receive<UnreachableMember>(m => Reachability(m.Member, reachable: false));
        Receive<ReachableMember>(m => Reachability(m.Member, reachable: true));
        Receive<NodeProved>(Handle);
        Receive<ProofOverdue>(m =>
        {
            if (_proving.Keys.FirstOrDefault(a => a.ToString() == m.Address) is { } address)
                Refuse(address, "it did not prove the cluster's secret in time (not an actorgraph node of this cluster?)");
        });
        Receive<ShardsHosted>(Handle);
    }

    // The node of the message's sender: this node's own actors have a local address (no host or port).
    private Address SenderNode() => Sender.Path.Address.HasLocalScope ? _cluster.SelfAddress : Sender.Path.Address;

    private int LiveWorkers => _workerTasks.Count(Serves);

    private bool Serves(Address? node) => node is not null && _admitted.ContainsKey(node) && !_unreachable.Contains(node);

    private void Consider(Member member)
    {
        // The singleton's own node needs no proof, unless it also serves as a worker or ps: then its node
        // actor's answer names that actor, as any other node's does.
        if (member.Address.Equals(_cluster.SelfAddress) && !member.HasRole(NodeRoles.Worker) && !member.HasRole(NodeRoles.ParameterServer))
        {
            Admit(member, "");
            return;
        }
        var nonce = ClusterSecret.Nonce();
        _proving[member.Address] = (member, nonce);
        Context.ActorSelection(new RootActorPath(member.Address) / "user" / NodeActor.Name).Tell(new ProveNode(nonce));
        Timers.StartSingleTimer(("proof", member.Address), new ProofOverdue(member.Address.ToString()), ProofTimeout);
    }

    private void Handle(NodeProved m)
    {
        var address = SenderNode();
        if (!_proving.TryGetValue(address, out var proving) || !proving.Nonce.AsSpan().SequenceEqual(m.Nonce)) return;
        if (!_secret.Verify(NodeActor.NodePurpose(address.ToString()), m.Nonce, m.Proof))
        {
            Refuse(address, "its proof of the cluster's secret is wrong");
            return;
        }
        _proving.Remove(address);
        Timers.Cancel(("proof", address));
        Admit(proving.Member, m.RoleActor);
    }

    private void Refuse(Address address, string why)
    {
        _proving.Remove(address);
        Timers.Cancel(("proof", address));
        _log.Warning("Refused node {0}: {1}; downing it", address, why);
        _cluster.Down(address);
        if (Ready) Stash.UnstashAll();
    }

    private void Admit(Member member, string roleActor)
    {
        _admitted[member.Address] = member;
        _log.Info("Node {0} serves as {1}", member.Address, string.Join(",", member.Roles));
        if (member.HasRole(NodeRoles.Worker) && roleActor.Length > 0 && !_workerTasks.Contains(member.Address))
        {
            _workerPaths[member.Address] = roleActor;
            int task = _workerTasks.IndexOf(null);
            if (task < 0) _workerTasks.Add(member.Address);
            else _workerTasks[task] = member.Address;
        }
        if (member.HasRole(NodeRoles.ParameterServer) && roleActor.Length > 0)
        {
            var host = ((ExtendedActorSystem)Context.System).Provider.ResolveActorRef(roleActor);
            _psHosts[member.Address] = host;
            _pendingHosts.Add(member.Address);
            host.Tell(new ListShards());
        }
        Publish();
    }

    private void Gone(Member member, bool removed)
    {
        var address = member.Address;
        int task = _workerTasks.IndexOf(address);
        if (task >= 0) _workerTasks[task] = null;
        _workerPaths.Remove(address);
        if (removed)
        {
            _proving.Remove(address);
            _admitted.Remove(address);
            _unreachable.Remove(address);
            _pendingHosts.Remove(address);
            if (_psHosts.Remove(address))
                foreach (var slot in _shards.Where(s => address.Equals(s.Host)))
                {
                    _log.Warning("Parameter server node {0} was removed: its shard moves to another ps node", address);
                    slot.Host = null;
                    slot.Path = "";
                }
            HostOrphans();
        }
        Publish();
    }

    private void Reachability(Member member, bool reachable)
    {
        if (reachable) _unreachable.Remove(member.Address);
        else _unreachable.Add(member.Address);
        Publish();
    }

    private void Handle(ShardsHosted m)
    {
        var address = SenderNode();
        if (!_psHosts.ContainsKey(address)) return;
        _pendingHosts.Remove(address);
        for (int i = 0; i < m.Tasks.Length; i++)
        {
            int task = m.Tasks[i];
            while (_shards.Count <= task) _shards.Add(new ShardSlot());
            var slot = _shards[task];
            if (slot.Host is { } other && !other.Equals(address) && _psHosts.ContainsKey(other))
            {
                _log.Warning("Shard {0} is held by {1} and by {2}; keeping {1}", task, other, address);
                continue;
            }
            slot.Host = address;
            slot.Path = m.Paths[i];
            foreach (var name in m.Variables[i]) _directory.TryAdd(name, task);
        }
        if (m.Tasks.Length == 0 && !_shards.Any(s => s.Host is null))
        {
            // A new ps node with nothing to take over: a new shard, for the variables still to come.
            _shards.Add(new ShardSlot { Host = address });
            HostOn(address, _shards.Count - 1);
        }
        HostOrphans();
        Publish();
    }

    // Shards whose node was removed go to the ps nodes that hold the fewest shards.
    private void HostOrphans()
    {
        for (int task = 0; task < _shards.Count; task++)
        {
            if (_shards[task].Host is not null) continue;
            var node = _psHosts.Keys.Where(Serves).OrderBy(a => _shards.Count(s => a.Equals(s.Host))).FirstOrDefault();
            if (node is null) return;
            _shards[task].Host = node;
            HostOn(node, task);
        }
    }

    private void HostOn(Address node, int task)
    {
        _pendingHosts.Add(node);
        _psHosts[node].Tell(new HostShard(task));
    }

    private MembershipChanged Membership()
    {
        var workers = _workerTasks.Select(a => Serves(a) ? _workerPaths[a!] : "").ToArray();
        var shards = _shards.Select(s => Serves(s.Host) ? s.Path : "").ToArray();
        return new MembershipChanged(workers, shards);
    }

    private string NotReadyReason() =>
        $"the cluster is not ready: {LiveWorkers} worker(s) and {_shards.Count(s => Serves(s.Host) && s.Path.Length > 0)} parameter server shard(s) serve; " +
        "a session needs at least one of each (start nodes with `actorgraph node --role worker|ps`).";

    private ClusterStatus Status() => new(
        _cluster.SelfAddress.ToString(),
        _workerTasks.Select(a => Serves(a) ? a!.ToString() : "").ToArray(),
        _shards.Select(s => Serves(s.Host) && s.Path.Length > 0 ? s.Host!.ToString() : "").ToArray(),
        _cluster.State.Members.Select(m => $"{m.Address} [{string.Join(",", m.Roles)}] {m.Status}").ToArray(),
        _sessions.Count,
        _shards.Select(s => Serves(s.Host) ? s.Path : "").ToArray());
}
