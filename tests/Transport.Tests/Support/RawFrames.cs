using System.Buffers.Binary;
using ActorGraph.Transport.Wire;
using Xunit;

namespace ActorGraph.Transport.Tests.Support;

// Frames as bytes, for peers that write what a TensorSender never would (or writes it slowly).
public static class RawFrames
{
    public static byte[] Tensor(long step, int edge, NDArray? value)
    {
        int descriptor = TensorEntry.DescriptorSize(value);
        int data = (int)TensorEntry.DataSize(value);
        var bytes = new byte[FrameHeader.Size + descriptor + data];
        new FrameHeader(FrameKind.Tensor, step, edge, descriptor + data).Write(bytes);
        TensorEntry.WriteDescriptor(bytes.AsSpan(FrameHeader.Size), value);
        value?.Bytes.CopyTo(bytes.AsSpan(FrameHeader.Size + descriptor));
        return bytes;
    }

    public static byte[] Batch(long step, params (int Edge, NDArray? Value)[] entries)
    {
        var payload = new List<byte>();
        foreach (var (edge, value) in entries)
        {
            var entry = Tensor(0, 0, value);
            payload.AddRange(BitConverter.GetBytes(edge));
            payload.AddRange(entry.AsSpan(FrameHeader.Size).ToArray());
        }
        var bytes = new byte[FrameHeader.Size + payload.Count];
        new FrameHeader(FrameKind.Batch, step, entries.Length, payload.Count).Write(bytes);
        payload.CopyTo(bytes, FrameHeader.Size);
        return bytes;
    }

    public static byte[] Header(FrameKind kind, long step, int key, int payloadLength)
    {
        var bytes = new byte[FrameHeader.Size];
        new FrameHeader(kind, step, key, payloadLength).Write(bytes);
        return bytes;
    }

    public static void SetPayloadLength(byte[] frame, int length) => BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(20), length);

    public static void SetDim(byte[] frame, int axis, int size) => BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(FrameHeader.Size + 4 + 4 * axis), size);

    // A refusal's reason, from the bytes a listener wrote before closing.
    public static string Refusal(byte[] received)
    {
        Assert.True(received.Length >= FrameHeader.Size, $"expected a Refused frame, got {received.Length} bytes");
        var header = FrameHeader.Parse(received, int.MaxValue);
        Assert.Equal(FrameKind.Refused, header.Kind);
        return System.Text.Encoding.UTF8.GetString(received, FrameHeader.Size, header.PayloadLength);
    }
}
