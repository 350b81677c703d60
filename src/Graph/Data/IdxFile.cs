using System.Buffers.Binary;
using System.IO.Compression;

namespace ActorGraph;

// IDX files: a magic number (0, 0, element type, rank), the dimensions as big-endian int32, then the
// values row-major and big-endian. Gzipped when the name ends in .gz. Integers come back as Int32, unscaled.
internal static class IdxFile
{
    public sealed record Header(int TypeCode, int[] Dims)
    {
        public DType DType => TypeCode switch { 0x0D => DType.Float32, 0x0E => DType.Float64, _ => DType.Int32 };
        public int ValueBytes => TypeCode switch { 0x08 or 0x09 => 1, 0x0B => 2, 0x0E => 8, _ => 4 };
    }

    public static Header ReadHeader(string path) => Guard(path, () =>
    {
        using var stream = Open(path);
        return ReadHeader(stream, path);
    });

    public static NDArray Read(string path) => Guard(path, () =>
    {
        using var stream = Open(path);
        var header = ReadHeader(stream, path);
        long count = header.Dims.Aggregate(1L, (a, d) => a * d);
        var raw = new byte[checked(count * header.ValueBytes)];
        try { stream.ReadExactly(raw); }
        catch (EndOfStreamException) { throw new InvalidDataException($"{path} ends before its {count} values ({string.Join('×', header.Dims)})."); }
        return Decode(header, raw, (int)count);
    });

    private static T Guard<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (FileNotFoundException) { throw new NotFoundException($"IDX file {path} not found on {Environment.MachineName}; every node that reads a dataset needs its files."); }
        catch (DirectoryNotFoundException) { throw new NotFoundException($"IDX file {path} not found on {Environment.MachineName}: its directory does not exist."); }
        catch (EndOfStreamException) { throw new DataLossException($"{path} ends before its header does."); }
        catch (InvalidDataException e) { throw new DataLossException(e.Message.StartsWith(path) ? e.Message : $"{path}: {e.Message}", e); }
    }

    private static Stream Open(string path)
    {
        var file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static Header ReadHeader(Stream stream, string path)
    {
        Span<byte> word = stackalloc byte[4];
        stream.ReadExactly(word);
        if (word[0] != 0 || word[1] != 0 || word[2] is not (0x08 or 0x09 or 0x0B or 0x0C or 0x0D or 0x0E) || word[3] == 0)
            throw new InvalidDataException($"{path} is not an IDX file (magic {Convert.ToHexString(word)}; expected 0000 then a type 08, 09, 0B, 0C, 0D or 0E and a rank of 1 or more).");
        var dims = new int[word[3]];
        int type = word[2];
        for (int i = 0; i < dims.Length; i++)
        {
            stream.ReadExactly(word);
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[i] < 0) throw new InvalidDataException($"{path}: dimension {i} is negative ({dims[i]}).");
        }
        return new Header(type, dims);
    }

    private static NDArray Decode(Header header, byte[] raw, int count)
    {
        var shape = new Shape(header.Dims);
        switch (header.TypeCode)
        {
            case 0x0D:
            {
                var values = new float[count];
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleBigEndian(raw.AsSpan(4 * i));
                return NDArray.Wrap(values, shape);
            }
            case 0x0E:
            {
                var values = new double[count];
                for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadDoubleBigEndian(raw.AsSpan(8 * i));
                return NDArray.Wrap(values, shape);
            }
            default:
            {
                var values = new int[count];
                for (int i = 0; i < count; i++)
                    values[i] = header.TypeCode switch
                    {
                        0x08 => raw[i],
                        0x09 => (sbyte)raw[i],
                        0x0B => BinaryPrimitives.ReadInt16BigEndian(raw.AsSpan(2 * i)),
                        _ => BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 * i)),
                    };
                return NDArray.Wrap(values, shape);
            }
        }
    }
}
