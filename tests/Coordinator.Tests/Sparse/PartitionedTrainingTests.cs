using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Sparse;

// A partitioned embedding table trained through a local-mode session (2 workers, 2 parameter servers) ends where
// the graph's own executor takes it: the shards apply the same sparse update kinds to the parts' touched rows.
public class PartitionedTrainingTests
{
    private static (Graph Graph, Operation Train, Tensor Ids, Tensor Labels, Tensor Table) Model(string optimizer)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetPartitionedVariable("emb", [50, 4], TF.FixedSizePartitioner(4), initializer: TF.RandomUniformInitializer(-1, 1, seed: 7));
        var w = TF.GetVariable("w", [4, 1], initializer: TF.GlorotUniformInitializer(seed: 8));
        var ids = TF.Placeholder(DType.Int32, [-1], name: "ids");
        var labels = TF.Placeholder(DType.Float32, [-1, 1], name: "labels");
        var loss = TF.ReduceMean(TF.Square(TF.MatMul(TF.EmbeddingLookup(table, ids), w) - labels));
        Optimizer opt = optimizer switch
        {
            "GradientDescent" => new GradientDescentOptimizer(0.1),
            "Momentum" => new MomentumOptimizer(0.1, 0.9),
            "Adam" => new AdamOptimizer(0.05),
            _ => new AdagradOptimizer(0.3),
        };
        var train = opt.Minimize(loss);
        TF.GlobalVariablesInitializer();
        return (g, train, ids, labels, table.AsTensor("whole"));
    }

    private static IEnumerable<FeedDict> Batches(Tensor ids, Tensor labels)
    {
        var rng = new Random(3);
        for (int step = 0; step < 5; step++)
        {
            int[] batch = [.. Enumerable.Range(0, 8).Select(_ => rng.Next(50))];
            yield return new FeedDict { [ids] = batch, [labels] = NDArray.FromArray(batch.Select(i => i % 2 == 0 ? 1f : -1f).ToArray(), new Shape(8, 1)) };
        }
    }

    [Theory]
    [InlineData("GradientDescent")]
    [InlineData("Momentum")]
    [InlineData("Adam")]
    [InlineData("Adagrad")]
    public void A_session_with_two_parameter_servers_trains_the_parts_as_the_executor_does(string optimizer)
    {
        var local = Model(optimizer);
        var executor = new Executor(local.Graph);
        var step = new StepContext(new LocalVariableStore(), TextWriter.Null);
        executor.Run([local.Graph.GetOperation("init")], null, step);
        foreach (var feed in Batches(local.Ids, local.Labels)) executor.Run([local.Train], feed, step);
        var expected = executor.Run([local.Table], null, step)[0]!.ToArray<float>();

        var distributed = Model(optimizer);
        using var sess = new Session(distributed.Graph, new SessionOptions { Workers = 2, ParameterServers = 2, PrintOutput = TextWriter.Null });
        sess.Run(distributed.Graph.GetOperation("init"));
        foreach (var feed in Batches(distributed.Ids, distributed.Labels)) sess.Run(distributed.Train, feed);
        var actual = sess.Run(distributed.Table).ToArray<float>();

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}
