using System.Buffers.Binary;
using ActorGraph.Summaries.Proto;

namespace ActorGraph.GraphTests.Summaries;

// Reads event files as TensorBoard does, independently of the writer: its own bitwise CRC-32C, each
// record's two CRCs checked, Google.Protobuf parsing. Stops at a torn last record and says so.
internal static class EventFileReader
{
    public sealed record Contents(IReadOnlyList<Event> Events, bool Torn);

    public static Contents Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12) return new(events, true);
            var header = bytes.AsSpan(at, 12);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != MaskedCrc32C(header[..8]))
                throw new InvalidDataException($"record at {at}: the length's CRC does not match");
            if ((ulong)(bytes.Length - at - 12) < length + 4) return new(events, true);
            var data = bytes.AsSpan(at + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)) != MaskedCrc32C(data))
                throw new InvalidDataException($"record at {at}: the data's CRC does not match");
            events.Add(Event.Parser.ParseFrom(data));
            at += 12 + (int)length + 4;
        }
        return new(events, false);
    }

    public static Contents ReadOnly(string logdir) => Read(Directory.GetFiles(logdir, "events.out.tfevents.*").Single());

    // Bitwise CRC-32C, reflected polynomial 0x82F63B78; then TensorFlow's mask.
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        return ~crc;
    }

    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }
}
