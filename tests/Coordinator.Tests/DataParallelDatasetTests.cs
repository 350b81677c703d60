using Xunit;

namespace ActorGraph.Coordinator.Tests;

// SessionOptions.DataParallel with a dataset: each replica's iterator reads its own share (element i to
// replica i mod K), so K workers take K different batches per step and the client feeds nothing.
public class DataParallelDatasetTests
{
    // Batches of 2 from 0..15; every step adds the sum of the batch each replica read to a counter.
    private static (Graph Graph, Tensor Next, Tensor Added, Variable Total, Operation Init) Build()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var next = Dataset.FromTensorSlices(Enumerable.Range(0, 16).Select(i => (float)i).ToArray()).Batch(2).Prefetch(2)
            .MakeOneShotIterator().GetNext()[0];
        var total = TF.GetVariable("total", [], initializer: TF.ZerosInitializer(), trainable: false);
        var added = TF.AssignAdd(total, TF.ReduceSum(next));
        return (g, next, added, total, TF.GlobalVariablesInitializer());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void K_asynchronous_replicas_read_K_different_batches_per_step(int k)
    {
        var (g, _, added, total, init) = Build();
        using var session = new Session(g, new SessionOptions { Workers = k, DataParallel = new DataParallelism { Synchronous = false } });
        session.Run(init);
        int steps = 8 / k;
        for (int s = 0; s < steps; s++) session.Run(added);
        // Every batch read once, by one replica: the 8 batches of 0..15 add up to 120 (all K reading the same would give less).
        Assert.Equal(120f, session.Run(total).ToScalar<float>());
        Assert.Throws<OutOfRangeException>(() => session.Run(added));
    }

    [Fact]
    public void Each_replica_of_a_step_fetches_its_own_batch()
    {
        var (g, next, _, _, _) = Build();
        using var session = new Session(g, new SessionOptions { Workers = 2, DataParallel = new DataParallelism() });
        Tensor mean;
        using (g.AsDefault()) mean = TF.ReduceMean(next);
        // Replica 0 reads [0, 1] and replica 1 reads [2, 3]: the step's mean is the replicas' average, 1.5.
        Assert.Equal(1.5f, session.Run(mean).ToScalar<float>());
        Assert.Equal(5.5f, session.Run(mean).ToScalar<float>());
    }
}
