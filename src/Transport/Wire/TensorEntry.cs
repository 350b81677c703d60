using System.Buffers.Binary;
using ActorGraph.Wire;

namespace ActorGraph.Transport.Wire;

// One tensor in a frame: u8 dtype (0xFF = no value, a control edge) | u8 rank | u16 flags | i32 dims[rank] | raw
// little-endian element bytes. A Batch entry is prefixed by its i32 edge. The bytes go to and from the
// NDArray's own memory: no staging copy of the payload at either end. Flag InLane: instead of the bytes,
// an i64 position in the channel's shared-memory lane, where the sender put them. A string tensor's bytes
// are StringElements' form (a length table, then the elements), always inline.
public static class TensorEntry
{
    public const int PrefixSize = 4;
    public const byte NoValue = 0xFF;
    public const int MaxRank = 254;                  // TensorFlow's limit, as in the MessagePack wire form
    public const int MinBatchEntryBytes = 4 + PrefixSize;
    public const ushort InLane = 1;
    public const int LanePositionSize = 8;

    // Checked here, while a frame is sized, so a bad tensor is refused before any byte of its frame is sent.
    public static int DescriptorSize(NDArray? value, bool inLane = false)
    {
        int rank = value?.Shape.Rank ?? 0;
        if (rank > MaxRank) throw new InvalidArgumentException($"A tensor of rank {rank} cannot be sent: the channel carries rank {MaxRank} at most.");
        return PrefixSize + 4 * rank + (inLane ? LanePositionSize : 0);
    }

    public static long DataSize(NDArray? value) =>
        value is null ? 0 : value.DType == DType.String ? StringElements.EncodedSize(value) : (long)value.Length * value.DType.SizeInBytes();

    // lanePosition: where the sender put the bytes in the shared-memory lane, or -1 when they follow inline.
    public static int WriteDescriptor(Span<byte> destination, NDArray? value, long lanePosition = -1)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination, NoValue);
            return PrefixSize;
        }
        var dims = value.Shape.Span;
        destination[0] = (byte)value.DType;
        destination[1] = (byte)dims.Length;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], lanePosition >= 0 ? InLane : (ushort)0);
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(destination[(PrefixSize + 4 * i)..], dims[i]);
        int size = PrefixSize + 4 * dims.Length;
        if (lanePosition < 0) return size;
        BinaryPrimitives.WriteInt64LittleEndian(destination[size..], lanePosition);
        return size + LanePositionSize;
    }

    // From the 4-byte prefix: the rank to read next, or -1 for no value; and whether the bytes are in the lane.
    public static int ParsePrefix(ReadOnlySpan<byte> prefix, out DType dtype, out bool inLane)
    {
        dtype = default;
        inLane = false;
        if (prefix[0] == NoValue)
        {
            if (prefix[1] != 0 || prefix[2] != 0 || prefix[3] != 0) throw new ChannelProtocolException("a control-edge entry with a rank or reserved bits set");
            return -1;
        }
        dtype = (DType)prefix[0];
        if (!Enum.IsDefined(dtype)) throw new ChannelProtocolException($"unknown dtype code {prefix[0]}");
        if (prefix[1] > MaxRank) throw new ChannelProtocolException($"rank {prefix[1]} exceeds {MaxRank}");
        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(prefix[2..]);
        if ((flags & ~InLane) != 0) throw new ChannelProtocolException("a tensor entry's reserved bits are set");
        inLane = flags == InLane;
        return prefix[1];
    }

    // The dims, checked against the bytes the frame has left, so a lying shape cannot make us allocate.
    public static int[] ParseDims(ReadOnlySpan<byte> source, int rank, DType dtype, long bytesLeft, out long dataBytes)
    {
        var dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            int d = BinaryPrimitives.ReadInt32LittleEndian(source[(4 * i)..]);
            if (d < 0) throw new ChannelProtocolException($"dimension {i} is {d}");
            dims[i] = d;
            elements = Math.Min(elements * d, (long)int.MaxValue + 1);   // saturate: [0, huge] is legal and empty
        }
        // A string tensor's length table: the least its bytes can be.
        dataBytes = elements * (dtype == DType.String ? 4 : dtype.SizeInBytes());
        if (elements > int.MaxValue || dataBytes > bytesLeft)
            throw new ChannelProtocolException($"shape [{string.Join(",", dims)}] of {dtype.PythonName()} needs {dataBytes} bytes, but the frame has {bytesLeft} left");
        return dims;
    }
}
