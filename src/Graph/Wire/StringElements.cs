using System.Buffers.Binary;

namespace ActorGraph.Wire;

// A string tensor's elements as one byte run, for the channels that carry raw element bytes (the tensor
// channel, checkpoints): u32 length of each element, little-endian, then the elements' bytes in order.
public static class StringElements
{
    public static long EncodedSize(NDArray value)
    {
        long size = 4L * value.Length;
        foreach (var s in value.StringData.AsSpan(0, value.Length)) size += s.Length;
        return size;
    }

    public static byte[] Encode(NDArray value)
    {
        var strings = value.StringData.AsSpan(0, value.Length);
        var bytes = new byte[EncodedSize(value)];
        int at = 4 * strings.Length;
        for (int i = 0; i < strings.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), (uint)strings[i].Length);
            strings[i].CopyTo(bytes, at);
            at += strings[i].Length;
        }
        return bytes;
    }

    // The bytes after the length table that `lengths` (the table of `count` u32s) says follow; -1 if over `limit`.
    public static long DataSize(ReadOnlySpan<byte> lengths, int count, long limit)
    {
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            total += BinaryPrimitives.ReadUInt32LittleEndian(lengths[(4 * i)..]);
            if (total > limit) return -1;
        }
        return total;
    }

    public static NDArray Decode(ReadOnlySpan<byte> lengths, ReadOnlySpan<byte> data, Shape shape)
    {
        int count = shape.ElementCount;
        if (lengths.Length != 4 * count) throw new InvalidDataException($"a string tensor of shape {shape} needs {4 * count} bytes of lengths, found {lengths.Length}.");
        var strings = new byte[count][];
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            long n = BinaryPrimitives.ReadUInt32LittleEndian(lengths[(4 * i)..]);
            if (n > data.Length - at) throw new InvalidDataException($"string element {i} of {count} runs past the {data.Length} data bytes.");
            strings[i] = data.Slice(at, (int)n).ToArray();
            at += (int)n;
        }
        if (at != data.Length) throw new InvalidDataException($"a string tensor of shape {shape} leaves {data.Length - at} data bytes unused.");
        return NDArray.WrapStrings(strings, shape);
    }

    public static NDArray Decode(ReadOnlySpan<byte> encoded, Shape shape)
    {
        int table = 4 * shape.ElementCount;
        if (encoded.Length < table) throw new InvalidDataException($"a string tensor of shape {shape} needs at least {table} bytes, found {encoded.Length}.");
        return Decode(encoded[..table], encoded[table..], shape);
    }
}
