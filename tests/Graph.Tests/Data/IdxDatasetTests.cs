using ActorGraph.Ops;
using System.Buffers.Binary;
using System.IO.Compression;
using Xunit;
using static ActorGraph.GraphTests.Data.DatasetHarness;

namespace ActorGraph.GraphTests.Data;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte type, int[] dims, byte[] payload)
    {
        var path = Path.Combine(_dir, name);
        using var file = File.Create(path);
        using var stream = name.EndsWith(".gz") ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file;
        stream.Write([0, 0, type, (byte)dims.Length]);
        foreach (var d in dims)
        {
            var word = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }
        stream.Write(payload);
        return path;
    }

    [Theory]
    [InlineData("images.idx")]
    [InlineData("images.idx.gz")]
    public void Unsigned_byte_files_plain_or_gzipped_give_Int32_rows(string name)
    {
        var images = Write(name, 0x08, [3, 2], [0, 1, 2, 3, 250, 255]);
        var labels = Write("labels" + name, 0x08, [3], [7, 8, 9]);
        var dataset = Dataset.FromIdxFiles(images, labels);
        Assert.Equal(new TensorSpec(DType.Int32, new Shape(2)), dataset.ElementSpec[0]);
        var elements = Elements(() => dataset);
        Assert.Equal([[0, 1], [2, 3], [250, 255]], elements.Select(e => e[0]));
        Assert.Equal([7, 8, 9], elements.Select(e => e[1][0]));
    }

    [Fact]
    public void Signed_bytes_shorts_and_ints_keep_their_sign()
    {
        var bytes = Write("b.idx", 0x09, [2], [0xFF, 5]);
        var shorts = Write("s.idx", 0x0B, [2], [0xFF, 0xFE, 0x01, 0x00]);
        var ints = Write("i.idx", 0x0C, [2], [0xFF, 0xFF, 0xFF, 0xFD, 0, 1, 0, 0]);
        var elements = Elements(() => Dataset.FromIdxFiles(bytes, shorts, ints));
        Assert.Equal([-1, 5], elements.Select(e => e[0][0]));
        Assert.Equal([-2, 256], elements.Select(e => e[1][0]));
        Assert.Equal([-3, 65536], elements.Select(e => e[2][0]));
    }

    [Fact]
    public void Float_files_give_Float32_unscaled()
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(payload, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(payload.AsSpan(4), -2f);
        var floats = Write("f.idx", 0x0D, [2], payload);
        var dataset = Dataset.FromIdxFiles(floats);
        Assert.Equal(DType.Float32, dataset.ElementSpec[0].DType);
        var g = new Graph();
        using (g.AsDefault())
        {
            var next = dataset.MakeOneShotIterator().GetNext()[0];
            var session = new Execution.LocalExecutor(g);
            Assert.Equal(1.5f, session.Run(next).ToScalar<float>());
            Assert.Equal(-2f, session.Run(next).ToScalar<float>());
        }
    }

    [Fact]
    public void A_missing_file_is_named_in_the_error()
    {
        var missing = Path.Combine(_dir, "nope.idx");
        var e = Assert.Throws<NotFoundException>(() => Dataset.FromIdxFiles(missing));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void A_file_that_is_not_IDX_is_refused_with_its_name()
    {
        var path = Path.Combine(_dir, "text.idx");
        File.WriteAllText(path, "hello world");
        var e = Assert.Throws<DataLossException>(() => Dataset.FromIdxFiles(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Files_with_different_row_counts_are_refused()
    {
        var a = Write("a.idx", 0x08, [2], [1, 2]);
        var b = Write("b.idx", 0x08, [3], [1, 2, 3]);
        Assert.Throws<ArgumentException>(() => Dataset.FromIdxFiles(a, b));
    }
}
