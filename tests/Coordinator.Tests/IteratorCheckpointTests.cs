using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// A Saver checkpoint keeps each dataset iterator's position and its shuffle's seed: restored (in the same
// session or a new one), the iterator goes on with the elements an uninterrupted run would have taken.
public class IteratorCheckpointTests() : TestKit(TestConfig.Actors)
{
    private static string NewStore() =>
        $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("actorgraph-iterator-ckpt-").FullName, "store.db")}";

    private Session NewSession(Graph g, string store, bool executor) => executor
        ? new(g, new SessionOptions { CheckpointStore = store, ExecutorOnly = true })
        : new(g, new SessionOptions { Workers = 2, CheckpointStore = store, ActorSystem = Sys });

    // An unseeded shuffle reshuffled every epoch, batched across epoch ends, mapped and prefetched: 7 batches in all.
    private static (Graph Graph, Tensor Next, Operation Init) Pipeline()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var next = Dataset.FromTensorSlices(Enumerable.Range(0, 10).ToArray())
            .Shuffle(10).Repeat(2).Batch(3).Map(c => [c[0] * 10]).Prefetch(2)
            .MakeOneShotIterator().GetNext()[0];
        var counter = TF.GetVariable("counter", [], initializer: TF.ZerosInitializer());
        return (g, next, TF.GlobalVariablesInitializer());
    }

    private static List<int[]> TakeToEnd(Session session, Tensor next)
    {
        var taken = new List<int[]>();
        while (true)
        {
            try { taken.Add(session.Run(next).ToArray<int>()); }
            catch (OutOfRangeException) { return taken; }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_checkpoint_resumed_mid_epoch_gives_the_same_elements_as_an_uninterrupted_run(bool executor)
    {
        var (g, next, init) = Pipeline();
        var store = NewStore();
        var saver = new Saver();
        string id;
        List<int[]> head, uninterrupted;
        using (var first = NewSession(g, store, executor))
        {
            first.Run(init);
            head = Enumerable.Range(0, 4).Select(_ => first.Run(next).ToArray<int>()).ToList();
            id = saver.Save(first, "mid-epoch");
            uninterrupted = TakeToEnd(first, next);
            Assert.Equal(3, uninterrupted.Count);
            // In the same session, back to where the checkpoint was.
            saver.Restore(first, id);
            Assert.Equal(uninterrupted, TakeToEnd(first, next));
        }
        // The second epoch's order was drawn from the saved seed: a new session's iterator draws it again.
        using var second = NewSession(g, store, executor);
        saver.Restore(second, id);
        Assert.Equal(uninterrupted, TakeToEnd(second, next));
        var all = head.Concat(uninterrupted).SelectMany(b => b).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => new[] { i * 10, i * 10 }).Order(), all);
    }

    [Fact]
    public void A_checkpoint_taken_before_an_iterator_ran_restarts_it_on_restore()
    {
        var (g, next, init) = Pipeline();
        var store = NewStore();
        var saver = new Saver();
        using var session = NewSession(g, store, executor: false);
        session.Run(init);
        var id = saver.Save(session, "before");
        var whole = TakeToEnd(session, next);
        Assert.Equal(7, whole.Count);
        saver.Restore(session, id);
        Assert.Equal(7, TakeToEnd(session, next).Count);
    }
}
