using System.Net;

namespace ActorGraph.Transport;

// The other end of one connection: the name it proved in the handshake and where it connected from.
public sealed record Peer(string Name, EndPoint Address)
{
    public override string ToString() => $"{Name} ({Address})";
}
