using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using MessagePack;
using MessagePack.Resolvers;

namespace ActorGraph.Wire;

// The file a graph is saved in: a fixed header (magic, format version, payload length, SHA-256 of
// the payload) and the GraphDef in MessagePack. The header lets a wrong, truncated or damaged file
// be named as such before any decoding, instead of failing somewhere inside MessagePack.
internal static class GraphFile
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "ActorGraph.graph"u8.ToArray();
    private const int HeaderLength = 16 + 4 + 8 + 32;

    // Graph files come from users' disks: decode them as untrusted data, attribute contracts only.
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public static void Write(Stream stream, GraphDef graph)
    {
        var payload = MessagePackSerializer.Serialize(graph, Options);
        Span<byte> header = stackalloc byte[HeaderLength];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[20..], payload.Length);
        SHA256.HashData(payload, header[28..]);
        stream.Write(header);
        stream.Write(payload);
    }

    // `source` names the file in every error: "FILE is not an ActorGraph graph file (…)".
    public static GraphDef Read(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length == 0) throw NotAGraphFile(source, "it is empty");
        if (!bytes[..Math.Min(bytes.Length, Magic.Length)].SequenceEqual(Magic.AsSpan(0, Math.Min(bytes.Length, Magic.Length))))
            throw NotAGraphFile(source, $"it starts with {Describe(bytes)}, not \"ActorGraph.graph\"");
        if (bytes.Length < HeaderLength)
            throw NotAGraphFile(source, $"truncated: {bytes.Length} bytes, shorter than the {HeaderLength}-byte header");
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        if (version != FormatVersion)
            throw NotAGraphFile(source, version > FormatVersion
                ? $"format version {version}, written by a newer ActorGraph; this one reads version {FormatVersion}"
                : $"format version {version} is not one ActorGraph ever wrote");
        long length = BinaryPrimitives.ReadInt64LittleEndian(bytes[20..]);
        var payload = bytes[HeaderLength..];
        if (payload.Length < length)
            throw NotAGraphFile(source, $"truncated: it holds {payload.Length} of the {length} bytes of graph its header announces");
        if (payload.Length > length)
            throw NotAGraphFile(source, $"damaged: {payload.Length - length} bytes follow the {length} bytes of graph its header announces");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        if (!hash.SequenceEqual(bytes[28..HeaderLength]))
            throw NotAGraphFile(source, "damaged: its contents do not match the checksum in its header");
        try
        {
            var graph = MessagePackSerializer.Deserialize<GraphDef>(payload.ToArray(), Options);
            return graph?.Operations is null || graph.Variables is null ? throw NotAGraphFile(source, "damaged: no operations") : graph;
        }
        catch (MessagePackSerializationException e)
        {
            throw NotAGraphFile(source, $"damaged: {e.InnerException?.Message ?? e.Message}");
        }
    }

    public static InvalidDataException NotAGraphFile(string source, string why) =>
        new($"{source} is not an ActorGraph graph file ({why}). Write one with graph.WriteTo(path) or `actorgraph demo --save-graph FILE`.");

    // The first bytes as a user would recognise them: text as text, else hex.
    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var head = bytes[..Math.Min(bytes.Length, 16)];
        bool text = true;
        foreach (var b in head) text &= b is >= 0x20 and < 0x7f or (byte)'\n' or (byte)'\r' or (byte)'\t';
        return text
            ? $"\"{Encoding.ASCII.GetString(head).ReplaceLineEndings(" ")}\""
            : "bytes " + Convert.ToHexString(head).ToLowerInvariant();
    }
}
