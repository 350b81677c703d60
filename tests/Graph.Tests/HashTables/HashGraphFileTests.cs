using ActorGraph.GraphTests.Wire;
using Xunit;

namespace ActorGraph.GraphTests.HashTables;

// A graph with hash tables written and read back knows its tables again and trains as the original.
public class HashGraphFileTests
{
    internal static Graph HashTrainingGraph()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
        var users = TF.GetHashEmbedding("users", 3, parts: 2, initializer: TF.RandomNormalInitializer(0, 0.5, seed: 4), evictAfterSteps: 3);
        var items = TF.GetHashEmbedding("items", 3, initializer: TF.RandomUniformInitializer(-1, 1, seed: 9));
        var w = TF.GetVariable("w", [3, 1], initializer: TF.GlorotUniformInitializer(seed: 5));
        var looked = TF.EmbeddingLookup(users, ids) * TF.EmbeddingLookup(items, ids * 7L);
        var loss = TF.ReduceMean(TF.Square(TF.MatMul(looked, w) - 1f), name: "loss");
        new AdamOptimizer(0.1).Minimize(loss);
        TF.GlobalVariablesInitializer();
        return g;
    }

    private static string[] Train(Graph g)
    {
        var h = new HashHarness(g);
        h.Run(g.GetOperation("init"));
        var train = g.GetOperation("Adam");
        var ids = g.GetTensor("ids:0");
        for (int i = 0; i < 3; i++) h.Run(train, HashHarness.Feed(ids, [4, -5, 8, 4]));
        var rows = g.Operations.Where(o => o.Type == "EmbeddingStitch").Select(o => (Fetch)o.Outputs[0]);
        return h.Run([.. rows, g.GetTensor("loss:0")], HashHarness.Feed(ids, [4, -5, 8, 11])).Select(v => v!.ToString()).ToArray();
    }

    [Fact]
    public void A_hash_training_graph_read_back_knows_its_tables_and_trains_alike()
    {
        var g = HashTrainingGraph();
        var copy = GraphFileRoundTripTests.RoundTrip(g);
        Assert.Equal(g.Operations.Select(o => (o.Name, o.Type)), copy.Operations.Select(o => (o.Name, o.Type)));
        Assert.Equal(g.HashEmbeddings.Select(t => (t.Name, t.Dimension, t.Count, t.EvictAfterSteps, t.Trainable)),
            copy.HashEmbeddings.Select(t => (t.Name, t.Dimension, t.Count, t.EvictAfterSteps, t.Trainable)));
        Assert.Equal(Train(g), Train(copy));
    }
}
