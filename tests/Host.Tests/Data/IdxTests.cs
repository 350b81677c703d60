using ActorGraph.Host.Data;

namespace ActorGraph.Host.Tests.Data;

public class IdxTests
{
    [Theory]
    [InlineData("images.idx3.gz")]
    [InlineData("images.idx3")]
    public void An_idx_file_reads_back_what_was_written(string name)
    {
        var path = Path.Combine(Cli.TempDir.Create(), name);
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        Idx.Write(path, [2, 3, 4], data);
        var read = Idx.Read(path);
        Assert.Equal([2, 3, 4], read.Dims);
        Assert.Equal(data, read.Data);
    }

    [Fact]
    public void A_file_with_another_magic_number_is_refused_by_name()
    {
        var path = Path.Combine(Cli.TempDir.Create(), "floats.idx");
        File.WriteAllBytes(path, [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_truncated_file_is_refused_by_name()
    {
        var path = Path.Combine(Cli.TempDir.Create(), "short.idx");
        File.WriteAllBytes(path, [0, 0, 0x08, 1, 0, 0, 0, 9, 1, 2]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains("ends before its 9 values", e.Message);
    }

    [Fact]
    public void Fashion_mnist_pixels_are_scaled_to_the_unit_interval_and_limited_on_request()
    {
        var dir = Cli.TinyFashionMnist.Write(train: 30, test: 20);
        var (train, test) = FashionMnist.Load(dir, limit: 25);
        Assert.Equal((25, 20, 784), (train.Count, test.Count, train.Features));
        Assert.All(train.Images, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => i % 10), train.Labels);
    }
}
