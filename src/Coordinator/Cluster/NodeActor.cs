using ActorGraph.Messaging.Channel;
using Akka.Actor;

namespace ActorGraph.Coordinator.Cluster;

// Every node's /user/node: answers the singleton's challenge with the proof of the cluster's secret,
// bound to this node's address so that a proof cannot be replayed for another node.
public sealed class NodeActor : ReceiveActor
{
    public const string Name = "node";

    public NodeActor(ClusterSecret secret, IActorRef? roleActor, string channelHost)
    {
        Receive<GetTensorEndpoint>(_ => Sender.Tell(BulkChannel.Get(Context.System).Endpoint is { } endpoint
            ? new TensorEndpoint(channelHost, endpoint.Port) : new TensorEndpoint("", 0)));
        var address = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
        var rolePath = roleActor?.Path.ToSerializationFormatWithAddress(address) ?? "";
        Receive<ProveNode>(m => Sender.Tell(new NodeProved(m.Nonce, secret.Prove(NodePurpose(address.ToString()), m.Nonce), rolePath)));
    }

    public static Props Props(ClusterSecret secret, IActorRef? roleActor, string channelHost) =>
        Akka.Actor.Props.Create(() => new NodeActor(secret, roleActor, channelHost));

    public static string NodePurpose(string address) => $"node|{address}";
}
