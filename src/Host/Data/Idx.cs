using System.Buffers.Binary;
using System.IO.Compression;

namespace ActorGraph.Host.Data;

// The IDX files of (Fashion-)MNIST: a magic number (0, 0, type 0x08 = unsigned byte, rank), the
// dimensions as big-endian int32, then the bytes row-major. Gzipped when the name ends in .gz.
internal static class Idx
{
    public sealed record Array(int[] Dims, byte[] Data);

    public static Array Read(string path)
    {
        try { return ReadUnchecked(path); }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path)) { throw new InvalidDataException($"{path}: {e.Message}", e); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{path} ends before its header does."); }
    }

    private static Array ReadUnchecked(string path)
    {
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        Span<byte> head = stackalloc byte[4];
        stream.ReadExactly(head);
        if (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] is 0 or > 4)
            throw new InvalidDataException($"{path} is not an IDX file of unsigned bytes (magic {Convert.ToHexString(head)}).");
        var dims = new int[head[3]];
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            stream.ReadExactly(head);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(head);
            if (dims[i] < 0) throw new InvalidDataException($"{path}: dimension {i} is negative ({dims[i]}).");
            count *= dims[i];
        }
        var data = new byte[count];
        try { stream.ReadExactly(data); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{path} ends before its {count} values ({string.Join('×', dims)})."); }
        return new Array(dims, data);
    }

    public static void Write(string path, int[] dims, byte[] data)
    {
        using var file = File.Create(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        Span<byte> word = stackalloc byte[4];
        stream.Write([0, 0, 0x08, (byte)dims.Length]);
        foreach (var d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }
        stream.Write(data);
    }
}
