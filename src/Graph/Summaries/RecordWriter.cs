using System.Buffers.Binary;

namespace ActorGraph.Summaries;

// TensorFlow's record framing (tensorflow/core/lib/io/record_writer.cc): u64 length | masked CRC-32C of
// those 8 bytes | data | masked CRC-32C of the data, all little-endian. A reader that meets a torn
// last record stops there and keeps everything before it.
internal sealed class RecordWriter(Stream stream)
{
    public const int HeaderSize = 12;
    public const int FooterSize = 4;

    public void Write(ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[FooterSize];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc.Masked(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    public void Flush() => stream.Flush();
}
