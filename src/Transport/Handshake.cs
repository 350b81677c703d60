using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using ActorGraph.Transport.Wire;

namespace ActorGraph.Transport;

// Before any frame: each side sends a hello (magic, version, role, 32-byte nonce, max frame, cluster and node
// names); the connector then proves it holds the shared secret with HMAC-SHA256 over both hellos, and the
// listener answers with its own proof. Binding both nonces stops replays; the role label stops a proof
// being reflected back; proofs are compared in constant time.
internal static class Handshake
{
    private const uint Magic = 0x48544741; // "AGTH" as bytes
    private const byte Version = 1;
    internal const byte ConnectorRole = 1, ListenerRole = 2;
    private const int NonceSize = 32, FixedSize = 4 + 1 + 1 + 2 + NonceSize + 4;
    private static readonly byte[] ConnectorLabel = "actorgraph tensor channel: connector"u8.ToArray();
    private static readonly byte[] ListenerLabel = "actorgraph tensor channel: listener"u8.ToArray();
    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public sealed record Result(Peer Peer, int PeerMaxFrameBytes);

    public static async Task<Result> ConnectAsync(Socket socket, SocketReader reader, TransportOptions options, CancellationToken ct)
    {
        var address = socket.RemoteEndPoint!;
        var own = Hello(options, ConnectorRole);
        await SendAsync(socket, own, ct).ConfigureAwait(false);
        var (theirs, name, cluster, maxFrame) = await ReadHelloAsync(reader, ListenerRole, address, ct).ConfigureAwait(false);
        if (cluster != options.ClusterName)
            throw new AuthenticationException($"The tensor listener at {address} belongs to cluster '{cluster}', not '{options.ClusterName}'.");
        await SendAsync(socket, Proof(options.SharedSecret, ConnectorLabel, own, theirs), ct).ConfigureAwait(false);
        var proof = new byte[HMACSHA256.HashSizeInBytes];
        try
        {
            await reader.ReadExactlyAsync(proof, ct).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw new AuthenticationException($"The tensor listener at {address} ({name}) refused the handshake: it did not accept our proof of the shared secret.");
        }
        if (!CryptographicOperations.FixedTimeEquals(proof, Proof(options.SharedSecret, ListenerLabel, own, theirs)))
            throw new AuthenticationException($"The tensor listener at {address} ({name}) failed to prove it holds the cluster's shared secret.");
        return new Result(new Peer(name, address), maxFrame);
    }

    public static async Task<Result> AcceptAsync(Socket socket, SocketReader reader, TransportOptions options, CancellationToken ct)
    {
        var address = socket.RemoteEndPoint!;
        var (theirs, name, cluster, maxFrame) = await ReadHelloAsync(reader, ConnectorRole, address, ct).ConfigureAwait(false);
        var own = Hello(options, ListenerRole);
        await SendAsync(socket, own, ct).ConfigureAwait(false);
        if (cluster != options.ClusterName)
            throw new AuthenticationException($"{name} at {address} belongs to cluster '{cluster}', not '{options.ClusterName}'; refused.");
        var proof = new byte[HMACSHA256.HashSizeInBytes];
        await reader.ReadExactlyAsync(proof, ct).ConfigureAwait(false);
        if (!CryptographicOperations.FixedTimeEquals(proof, Proof(options.SharedSecret, ConnectorLabel, theirs, own)))
            throw new AuthenticationException($"{name} at {address} failed to prove it holds the cluster's shared secret; refused.");
        await SendAsync(socket, Proof(options.SharedSecret, ListenerLabel, theirs, own), ct).ConfigureAwait(false);
        return new Result(new Peer(name, address), maxFrame);
    }

    internal static byte[] Hello(TransportOptions options, byte role)
    {
        var cluster = Encoding.UTF8.GetBytes(options.ClusterName);
        var node = Encoding.UTF8.GetBytes(options.NodeName);
        var hello = new byte[FixedSize + 1 + cluster.Length + 1 + node.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(hello, Magic);
        hello[4] = Version;
        hello[5] = role;
        RandomNumberGenerator.Fill(hello.AsSpan(8, NonceSize));
        BinaryPrimitives.WriteInt32LittleEndian(hello.AsSpan(8 + NonceSize), options.MaxFrameBytes);
        hello[FixedSize] = (byte)cluster.Length;
        cluster.CopyTo(hello, FixedSize + 1);
        hello[FixedSize + 1 + cluster.Length] = (byte)node.Length;
        node.CopyTo(hello, FixedSize + 2 + cluster.Length);
        return hello;
    }

    // The hello's exact bytes come back too: the proofs are computed over them.
    internal static async Task<(byte[] Bytes, string Node, string Cluster, int MaxFrame)> ReadHelloAsync(
        SocketReader reader, byte expectedRole, EndPoint address, CancellationToken ct)
    {
        var head = new byte[FixedSize + 1];
        try
        {
            await reader.ReadExactlyAsync(head, ct).ConfigureAwait(false);
            if (BinaryPrimitives.ReadUInt32LittleEndian(head) != Magic)
                throw new AuthenticationException($"{address} is not an ActorGraph tensor channel peer (bad handshake magic).");
            if (head[4] != Version) throw new AuthenticationException($"{address} speaks handshake version {head[4]}, this node {Version}.");
            if (head[5] != expectedRole || head[6] != 0 || head[7] != 0) throw new AuthenticationException($"{address} sent a malformed hello (role {head[5]}).");
            int maxFrame = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(8 + NonceSize));
            if (maxFrame < FrameHeader.Size) throw new AuthenticationException($"{address} announced a maximum frame of {maxFrame} bytes.");
            var cluster = new byte[head[FixedSize] + 1];
            await reader.ReadExactlyAsync(cluster, ct).ConfigureAwait(false);
            var node = new byte[cluster[^1]];
            await reader.ReadExactlyAsync(node, ct).ConfigureAwait(false);
            if (cluster.Length == 1 || node.Length == 0) throw new AuthenticationException($"{address} sent a hello without a cluster or node name.");
            byte[] bytes = [.. head, .. cluster, .. node];
            return (bytes, StrictUtf8.GetString(node), StrictUtf8.GetString(cluster, 0, cluster.Length - 1), maxFrame);
        }
        catch (EndOfStreamException)
        {
            throw new AuthenticationException($"{address} closed the connection during the handshake.");
        }
        catch (DecoderFallbackException)
        {
            throw new AuthenticationException($"{address} sent a hello whose names are not UTF-8.");
        }
    }

    private static byte[] Proof(byte[] secret, byte[] label, byte[] connectorHello, byte[] listenerHello)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(label);
        hmac.AppendData(connectorHello);
        hmac.AppendData(listenerHello);
        return hmac.GetHashAndReset();
    }

    private static async Task SendAsync(Socket socket, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        while (bytes.Length > 0) bytes = bytes[await socket.SendAsync(bytes, SocketFlags.None, ct).ConfigureAwait(false)..];
    }
}
