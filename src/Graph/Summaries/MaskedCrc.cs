using System.Buffers.Binary;
using System.Numerics;

namespace ActorGraph.Summaries;

// CRC-32C (Castagnoli) with TensorFlow's mask: a CRC stored next to the data it covers is rotated and
// offset, so a record that holds CRCs of its own still checks (tensorflow/core/lib/hash/crc32c.h).
public static class MaskedCrc
{
    private const uint MaskDelta = 0xa282ead8;

    // BitOperations.Crc32C is the bare update step (hardware instructions where present):
    // the standard CRC-32C starts from ~0 and ends inverted.
    public static uint Value(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }

    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    public static uint Unmask(uint masked)
    {
        uint rotated = masked - MaskDelta;
        return (rotated >> 17) | (rotated << 15);
    }

    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Value(data));
}
