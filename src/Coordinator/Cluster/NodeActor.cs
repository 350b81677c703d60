using Akka.Actor;

namespace ActorGraph.Coordinator.Cluster;

// Every node's /user/node: answers the singleton's challenge with the proof of the cluster's secret,
// bound to this node's address so that a proof cannot be replayed for another node.
public sealed class NodeActor : ReceiveActor
{
    public const string Name = "node";

    public NodeActor(ClusterSecret secret)
    {
        var address = Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString();
        Receive<ProveNode>(m => Sender.Tell(new NodeProved(m.Nonce, secret.Prove(NodePurpose(address), m.Nonce))));
    }

    public static Props Props(ClusterSecret secret) => Akka.Actor.Props.Create(() => new NodeActor(secret));

    public static string NodePurpose(string address) => $"node|{address}";
}
