using System.Buffers.Binary;

namespace ActorGraph.Transport.Wire;

public enum FrameKind : byte
{
    Tensor = 1,   // key = the edge; payload = one tensor entry
    Batch = 2,    // key = the entry count; payload = that many (edge, tensor entry) pairs
    Goodbye = 3,  // the sender closes cleanly; no payload
    Refused = 4,  // receiver to sender, before it closes: UTF-8 reason
    LaneOffer = 5,   // sender to receiver, once, beside the first frames: a shared-memory lane (token | i64 capacity | UTF-8 path)
    LaneAnswer = 6,  // receiver to sender: key 1 = the lane is open, 0 = declined; payload = the offer's token
}

// Every frame starts with these 24 little-endian bytes:
//   u32 magic "AGT1" | u8 version | u8 kind | u16 reserved (0) | i64 step | i32 key | i32 payload length
public readonly record struct FrameHeader(FrameKind Kind, long StepId, int Key, int PayloadLength)
{
    public const int Size = 24;
    public const uint Magic = 0x31544741; // "AGT1" as bytes
    public const byte Version = 1;
    public const int MaxRefusalBytes = 1024;
    private const int LaneOfferFixedBytes = SharedLane.TokenSize + 8;
    public const int MaxLaneOfferBytes = LaneOfferFixedBytes + 255;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = (byte)Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], StepId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], Key);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], PayloadLength);
    }

    // Everything checkable before a byte of payload is read or allocated.
    public static FrameHeader Parse(ReadOnlySpan<byte> source, int maxFrameBytes)
    {
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (magic != Magic) throw new ChannelProtocolException($"bad magic 0x{magic:x8} (expected 0x{Magic:x8}): not a tensor frame, or the stream lost its framing");
        if (source[4] != Version) throw new ChannelProtocolException($"frame version {source[4]} is not supported (this node speaks {Version})");
        var kind = (FrameKind)source[5];
        if (!Enum.IsDefined(kind)) throw new ChannelProtocolException($"unknown frame kind {source[5]}");
        if (BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) != 0) throw new ChannelProtocolException("the header's reserved bits are set");
        var header = new FrameHeader(kind, BinaryPrimitives.ReadInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[16..]), BinaryPrimitives.ReadInt32LittleEndian(source[20..]));
        if (header.PayloadLength < 0) throw new ChannelProtocolException($"negative payload length {header.PayloadLength}");
        if (header.PayloadLength > maxFrameBytes - Size)
            throw new ChannelProtocolException($"a {kind} frame of {(long)header.PayloadLength + Size} bytes exceeds this node's maximum of {maxFrameBytes} bytes");
        switch (kind)
        {
            case FrameKind.Goodbye when header.PayloadLength != 0 || header.Key != 0:
                throw new ChannelProtocolException("a Goodbye frame carries no key or payload");
            case FrameKind.Refused when header.PayloadLength > MaxRefusalBytes:
                throw new ChannelProtocolException($"a refusal of {header.PayloadLength} bytes (at most {MaxRefusalBytes})");
            case FrameKind.LaneOffer when header.Key != 0 || header.PayloadLength <= LaneOfferFixedBytes || header.PayloadLength > MaxLaneOfferBytes:
                throw new ChannelProtocolException($"a lane offer of {header.PayloadLength} bytes with key {header.Key}");
            case FrameKind.LaneAnswer when header.Key is not (0 or 1) || header.PayloadLength != SharedLane.TokenSize:
                throw new ChannelProtocolException($"a lane answer of {header.PayloadLength} bytes with key {header.Key}");
            case FrameKind.Batch when header.Key < 0 || header.Key > header.PayloadLength / TensorEntry.MinBatchEntryBytes:
                throw new ChannelProtocolException($"a batch of {header.Key} entries cannot fit in {header.PayloadLength} bytes");
        }
        return header;
    }
}

// The peer broke the protocol; the connection is closed with this as the reason.
public sealed class ChannelProtocolException(string message) : IOException(message);
