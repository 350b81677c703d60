using ActorGraph.GraphTests.Execution;
using Xunit;
using static ActorGraph.GraphTests.Data.DatasetHarness;
using static ActorGraph.GraphTests.Wire.GraphFileRoundTripTests;

namespace ActorGraph.GraphTests.Data;

// A dataset travels as an op attribute (to a worker, into a graph file) and reads the same on the other side.
public class DatasetWireTests
{
    // The iterator ops these tests write and read back (GraphFileRoundTripTests counts them covered).
    public static readonly string[] RoundTrippedOpTypes = ["OneShotIterator", "Iterator", "MakeIterator", "IteratorGetNext"];

    [Fact]
    public void An_initializable_iterator_read_back_restarts_with_its_initializer()
    {
        var g = new Graph();
        DatasetIterator iterator;
        using (g.AsDefault())
        {
            iterator = Dataset.FromTensorSlices(Range(3)).MakeInitializableIterator();
            iterator.GetNext("next");
        }
        var copy = RoundTrip(g);
        Assert.Equal(["Iterator", "MakeIterator", "IteratorGetNext"], copy.Operations.Select(o => o.Type));
        var session = new LocalExecutor(copy);
        Assert.Throws<FailedPreconditionException>(() => session.Run(copy.GetTensor("next:0")));
        session.Run(copy.GetOperation(iterator.Initializer.Name));
        Assert.Equal([[0], [1], [2]], Drain(session, [copy.GetTensor("next:0")]).Select(e => e[0]));
    }

    [Fact]
    public void A_pipeline_with_every_transformation_reads_back_the_same_elements()
    {
        var g = new Graph();
        Tensor[] next;
        using (g.AsDefault())
            next = Dataset.FromTensorSlices(Range(30), Range(30).Select(i => (float)i * 2).ToArray())
                .Skip(2).Take(25).Shard(2, 1).Shuffle(5, seed: 4).Repeat(2).Map(c => [c[0] * 10, c[1]])
                .Batch(3, dropRemainder: true).Prefetch(2).MakeOneShotIterator().GetNext();
        var expected = Drain(new LocalExecutor(g), next);
        var copy = RoundTrip(g);
        var actual = Drain(new LocalExecutor(copy), next.Select(t => copy.GetTensor(t.Name)).ToArray());
        Assert.Equal(8, expected.Count);
        Assert.Equal(expected, actual);
        Assert.Equal(next.Select(t => t.Shape), next.Select(t => copy.GetTensor(t.Name).Shape));
    }

    [Fact]
    public void An_IDX_dataset_travels_as_its_paths_and_specs_and_reads_its_files_where_it_runs()
    {
        var dir = Directory.CreateTempSubdirectory("idx-wire-").FullName;
        try
        {
            var path = Path.Combine(dir, "labels.idx");
            File.WriteAllBytes(path, [0, 0, 8, 1, 0, 0, 0, 3, 4, 5, 6]);
            var g = new Graph();
            Tensor next;
            using (g.AsDefault()) next = Dataset.FromIdxFiles(path).MakeOneShotIterator().GetNext()[0];
            var copy = RoundTrip(g);
            File.Delete(path);
            var e = Assert.Throws<NotFoundException>(() => new LocalExecutor(copy).Run(copy.GetTensor(next.Name)));
            Assert.Contains(path, e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
