using System.Buffers;
using MessagePack;
using MessagePack.Formatters;

namespace ActorGraph.Wire;

// An NDArray on the wire: [dtype, [dims…], bin(raw little-endian element bytes)]. One blob, so a
// 1M-float tensor costs one copy each way instead of a million encoded numbers. A string tensor's
// data is an array of bins, one per element; it always travels inside the message.
public sealed class NDArrayFormatter : IMessagePackFormatter<NDArray?>
{
    // TensorFlow's own limit on rank; anything above is corrupt data.
    private const int MaxRank = 254;
    private const int ChunkSize = 64 * 1024;

    public void Serialize(ref MessagePackWriter writer, NDArray? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        EnsureLittleEndian();
        // [index]: the tensor travels beside the message (OutOfBandTensors).
        if (OutOfBandTensors.TryCollect(value, out int index))
        {
            writer.WriteArrayHeader(1);
            writer.Write(index);
            return;
        }
        writer.WriteArrayHeader(3);
        writer.Write((byte)value.DType);
        var dims = value.Shape.Span;
        writer.WriteArrayHeader(dims.Length);
        foreach (var d in dims) writer.Write(d);
        if (value.DType == DType.String) WriteStrings(ref writer, value);
        else WriteBlob(ref writer, value.Bytes);
    }

    // In pieces: one span of the whole tensor would make the writer allocate a buffer that large.
    private static void WriteBlob(ref MessagePackWriter writer, ReadOnlySpan<byte> bytes)
    {
        writer.WriteBinHeader(bytes.Length);
        while (bytes.Length > 0)
        {
            var chunk = bytes[..Math.Min(bytes.Length, ChunkSize)];
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
            bytes = bytes[chunk.Length..];
        }
    }

    private static void WriteStrings(ref MessagePackWriter writer, NDArray value)
    {
        var strings = value.StringData;
        writer.WriteArrayHeader(value.Length);
        for (int i = 0; i < value.Length; i++) WriteBlob(ref writer, strings[i]);
    }

    private static NDArray ReadStrings(ref MessagePackReader reader, int[] dims, long elements)
    {
        int count = reader.ReadArrayHeader();
        if (count != elements) throw Malformed($"shape [{string.Join(",", dims)}] of string needs {elements} elements, found {count}");
        var strings = new byte[count][];
        for (int i = 0; i < count; i++)
            strings[i] = reader.ReadBytes()?.ToArray() ?? throw Malformed($"string element {i} is nil");
        return NDArray.WrapStrings(strings, Shape.Own(dims));
    }

    public NDArray? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return null;
        EnsureLittleEndian();
        options.Security.DepthStep(ref reader);
        try
        {
            int fields = reader.ReadArrayHeader();
            if (fields == 1) return Checked(OutOfBandTensors.Take(reader.ReadInt32()));
            if (fields != 3) throw Malformed($"expected 3 fields (dtype, dims, data), found {fields}");
            var dtype = ReadDType(ref reader);
            var dims = ReadDims(ref reader, out long elements);
            if (dtype == DType.String) return ReadStrings(ref reader, dims, elements);
            var data = reader.ReadBytes() ?? throw Malformed("the data is nil");
            long expected = elements * dtype.SizeInBytes();
            if (data.Length != expected)
                throw Malformed($"shape [{string.Join(",", dims)}] of {dtype.PythonName()} needs {expected} bytes, found {data.Length}");
            var array = NDArray.Uninitialized(dtype, Shape.Own(dims));
            data.CopyTo(array.Bytes);
            return Checked(array);
        }
        finally
        {
            reader.Depth--;
        }
    }

    private static NDArray Checked(NDArray array)
    {
        if (array.DType == DType.Bool && array.Bytes.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            throw Malformed("a bool element is neither 0 nor 1");
        return array;
    }

    private static DType ReadDType(ref MessagePackReader reader)
    {
        int code = reader.ReadInt32();
        if (!Enum.IsDefined((DType)code)) throw Malformed($"unknown dtype code {code}");
        return (DType)code;
    }

    private static int[] ReadDims(ref MessagePackReader reader, out long elements)
    {
        int rank = reader.ReadArrayHeader();
        if (rank > MaxRank) throw Malformed($"rank {rank} exceeds {MaxRank}");
        var dims = new int[rank];
        elements = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = reader.ReadInt32();
            if (d < 0) throw Malformed($"dimension {i} is {d}");
            dims[i] = d;
            // Saturate rather than overflow; a [0, huge] shape is legal and empty.
            elements = Math.Min(elements * d, (long)int.MaxValue + 1);
        }
        if (elements > int.MaxValue) throw Malformed($"shape [{string.Join(",", dims)}] has more than {int.MaxValue} elements");
        return dims;
    }

    private static MessagePackSerializationException Malformed(string why) => new($"Malformed NDArray: {why}.");

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("The NDArray wire form is little-endian raw bytes.");
    }
}
