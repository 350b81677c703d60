using Xunit;

namespace ActorGraph.GraphTests.Wire;

// A file that is not a whole graph file is refused with a message naming it and saying why.
public class GraphFileErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorgraph-graphfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    private byte[] Written()
    {
        var path = Path("good.graph");
        GraphFileRoundTripTests.TrainingGraph().WriteTo(path);
        return File.ReadAllBytes(path);
    }

    private string Refused(byte[] bytes, string name = "bad.graph")
    {
        File.WriteAllBytes(Path(name), bytes);
        var e = Assert.Throws<InvalidDataException>(() => Graph.ReadFrom(Path(name)));
        Assert.StartsWith($"{Path(name)} is not an ActorGraph graph file (", e.Message);
        return e.Message;
    }

    [Fact]
    public void An_empty_file_is_refused() => Assert.Contains("it is empty", Refused([]));

    [Fact]
    public void Another_kind_of_file_is_refused_showing_how_it_starts() =>
        Assert.Contains("\"digraph G { a ->\"", Refused("digraph G { a -> b }"u8.ToArray()));

    [Fact]
    public void A_binary_file_of_another_kind_is_refused_with_its_first_bytes_in_hex() =>
        Assert.Contains("bytes 89504e47", Refused([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

    [Fact]
    public void A_file_truncated_anywhere_is_refused_as_truncated()
    {
        var bytes = Written();
        foreach (int length in new[] { 5, 16, 40, 60, bytes.Length / 2, bytes.Length - 1 })
            Assert.Contains("truncated", Refused(bytes[..length]));
    }

    [Fact]
    public void A_corrupted_byte_anywhere_in_the_graph_is_caught_by_the_checksum()
    {
        var bytes = Written();
        foreach (int at in new[] { 60, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x5a;
            Assert.Contains("damaged", Refused(damaged));
        }
    }

    [Fact]
    public void Bytes_after_the_graph_are_refused() => Assert.Contains("damaged", Refused([.. Written(), 1, 2, 3]));

    [Fact]
    public void A_file_of_a_newer_format_version_says_so()
    {
        var bytes = Written();
        bytes[16] = 9;
        Assert.Contains("format version 9, written by a newer ActorGraph", Refused(bytes));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Graph.ReadFrom(Path("nowhere.graph")));
        Assert.Equal($"{Path("nowhere.graph")}: no such graph file.", e.Message);
    }

    [Fact]
    public void A_folder_is_not_a_graph_file() =>
        Assert.Contains("is a folder", Assert.Throws<InvalidDataException>(() => Graph.ReadFrom(_dir)).Message);

    [Fact]
    public void Writing_into_a_missing_folder_names_the_folder()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => new Graph().WriteTo(Path("no/such/folder/g.graph")));
        Assert.Contains("does not exist", e.Message);
    }
}
