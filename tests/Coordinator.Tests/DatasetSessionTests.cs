using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Datasets in an actor Session: GetNext runs on a worker, which keeps the iterator's position.
public class DatasetSessionTests() : TestKit(TestConfig.Actors)
{
    private Session NewSession(Graph g, int workers) => new(g, new SessionOptions { Workers = workers, ActorSystem = Sys });

    private static Dataset Pairs(int n) =>
        Dataset.FromTensorSlices(Enumerable.Range(0, n).Select(i => (float)i).ToArray(), Enumerable.Range(0, n).ToArray());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_batched_mapped_dataset_feeds_every_step_until_End_of_sequence(int workers)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var next = Pairs(10).Map(c => [c[0] * 2f, c[1]]).Batch(4).MakeOneShotIterator().GetNext();
        var total = TF.ReduceSum(next[0]);
        var unrelated = TF.Constant(1f) + 2f;
        using var sess = NewSession(g, workers);
        Assert.Equal(2f * (0 + 1 + 2 + 3), sess.Run(total).ToScalar<float>());
        Assert.Equal(2f * (4 + 5 + 6 + 7), sess.Run(total).ToScalar<float>());
        Assert.Equal([8, 9], sess.Run(next[1]).ToArray<int>());
        var e = Assert.Throws<OutOfRangeException>(() => sess.Run(total));
        Assert.Contains("End of sequence", e.Message);
        Assert.Equal(3f, sess.Run(unrelated).ToScalar<float>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_initializable_iterator_restarts_on_the_worker_that_holds_it(int workers)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var iterator = Pairs(3).Shuffle(3, seed: 9).MakeInitializableIterator();
        var next = iterator.GetNext()[1];
        using var sess = NewSession(g, workers);
        Assert.Throws<FailedPreconditionException>(() => sess.Run(next));
        sess.Run(iterator.Initializer);
        var first = Enumerable.Range(0, 3).Select(_ => sess.Run(next).ToScalar<int>()).ToArray();
        Assert.Equal([0, 1, 2], first.Order());
        Assert.Throws<OutOfRangeException>(() => sess.Run(next));
        sess.Run(iterator.Initializer);
        Assert.Equal(first, Enumerable.Range(0, 3).Select(_ => sess.Run(next).ToScalar<int>()).ToArray());
    }

    [Fact]
    public void Explain_shows_GetNext_on_a_worker_and_every_op_of_one_iterator_on_the_same_one()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var iterator = Pairs(4).MakeInitializableIterator();
        var x = iterator.GetNext("next")[0];
        var y = TF.Square(x);
        using var sess = NewSession(g, 2);
        var plan = sess.Explain([y]);
        Assert.Contains("next", plan.Operations);
        Assert.StartsWith("/job:worker/task:", plan.Placement["next"]);
        Assert.Equal(plan.Placement["next"], sess.Explain([iterator.Initializer]).Placement[iterator.Initializer.Name]);
    }

    [Fact]
    public void The_same_steps_through_actors_and_through_the_executor_alone_give_the_same_values()
    {
        float[] Losses(bool executorOnly)
        {
            var g = new Graph();
            using var scope = g.AsDefault();
            var next = Pairs(40).Shuffle(16, seed: 3).Repeat(2).Batch(8, dropRemainder: true).MakeOneShotIterator().GetNext();
            var w = TF.GetVariable("w", [], initializer: TF.OnesInitializer());
            var loss = TF.ReduceMean(TF.Square(next[0] * w - TF.Cast(next[1], DType.Float32)));
            var train = new GradientDescentOptimizer(0.001).Minimize(loss);
            using var sess = new Session(g, executorOnly ? new SessionOptions { ExecutorOnly = true } : new SessionOptions { Workers = 2, ActorSystem = Sys });
            sess.Run(TF.GlobalVariablesInitializer());
            var losses = new List<float>();
            while (true)
            {
                try { losses.Add(sess.Run([loss, train])[0]!.ToScalar<float>()); }
                catch (OutOfRangeException) { return [.. losses]; }
            }
        }
        var viaActors = Losses(executorOnly: false);
        Assert.Equal(10, viaActors.Length);
        Assert.Equal(Losses(executorOnly: true), viaActors);
    }

    [Fact]
    public void Feeding_both_outputs_of_a_GetNext_evaluates_without_moving_the_iterator()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var next = Pairs(4).MakeOneShotIterator().GetNext();
        var total = TF.ReduceSum(next[0]) + TF.ReduceSum(TF.Cast(next[1], DType.Float32));
        using var sess = NewSession(g, 1);
        var fed = new FeedDict { [next[0]] = (NDArray)10f, [next[1]] = (NDArray)5 };
        Assert.Equal(15f, sess.Run(total, fed).ToScalar<float>());
        Assert.Equal(15f, sess.Run(total, fed).ToScalar<float>());
        Assert.Equal(0f, sess.Run(total).ToScalar<float>());
    }

    [Fact]
    public void A_step_fed_by_a_dataset_runs_on_every_replica_each_reading_its_own_batch_under_data_parallelism()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var next = Pairs(6).Batch(3).MakeOneShotIterator().GetNext();
        var total = TF.ReduceSum(next[0]);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ActorSystem = Sys, DataParallel = new DataParallelism() });
        // Replica 0 sums [0, 1, 2], replica 1 [3, 4, 5]; a scalar fetch is the replicas' average.
        Assert.Equal((3f + 12f) / 2, sess.Run(total).ToScalar<float>());
        Assert.Throws<OutOfRangeException>(() => sess.Run(total));
    }
}
