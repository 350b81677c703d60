using System.Security.Cryptography;
using System.Text;

namespace ActorGraph.Coordinator.Cluster;

// The cluster's shared secret. It never travels: a node or a client proves it knows it with an
// HMAC over a fresh nonce (nodes) or its own address (clients), so a node of another cluster, or a
// client with another secret, is refused. Remoting itself is plaintext: this keeps clusters apart,
// it does not stand in for TLS on an untrusted network.
public sealed class ClusterSecret(string? secret)
{
    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes("actorgraph-cluster-secret|" + (secret ?? "")));

    public byte[] Prove(string purpose, ReadOnlySpan<byte> challenge)
    {
        var purposeBytes = Encoding.UTF8.GetBytes(purpose + "|");
        var message = new byte[purposeBytes.Length + challenge.Length];
        purposeBytes.CopyTo(message, 0);
        challenge.CopyTo(message.AsSpan(purposeBytes.Length));
        return HMACSHA256.HashData(_key, message);
    }

    public byte[] Prove(string purpose, string challenge) => Prove(purpose, Encoding.UTF8.GetBytes(challenge));

    public bool Verify(string purpose, ReadOnlySpan<byte> challenge, byte[]? proof) =>
        proof is { Length: 32 } && CryptographicOperations.FixedTimeEquals(Prove(purpose, challenge), proof);

    public bool Verify(string purpose, string challenge, byte[]? proof) => Verify(purpose, Encoding.UTF8.GetBytes(challenge), proof);

    // The tensor channel's key (TransportOptions.SharedSecret): derived, so the HMAC key above never serves two protocols.
    public byte[] ChannelKey() => HMACSHA256.HashData(_key, "tensor-channel"u8);

    public static byte[] Nonce() => RandomNumberGenerator.GetBytes(32);
}
