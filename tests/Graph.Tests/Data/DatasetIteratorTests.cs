using ActorGraph.Execution;
using ActorGraph.GraphTests.Execution;
using Xunit;
using static ActorGraph.GraphTests.Data.DatasetHarness;

namespace ActorGraph.GraphTests.Data;

// Iterators as ops (TensorFlow 1's iterator_ops tests): end of sequence, restarts, uninitialized iterators, pruning.
public class DatasetIteratorTests
{
    [Fact]
    public void Past_the_end_a_run_throws_End_of_sequence_and_the_session_stays_usable()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var next = Dataset.FromTensorSlices(new[] { 5, 6 }).MakeOneShotIterator().GetNext()[0];
            var other = TF.Constant(3) + 4;
            var session = new LocalExecutor(g);
            Assert.Equal(5, session.Run(next).ToScalar<int>());
            Assert.Equal(6, session.Run(next).ToScalar<int>());
            var e = Assert.Throws<OutOfRangeException>(() => session.Run(next));
            Assert.Contains("End of sequence", e.Message);
            Assert.IsAssignableFrom<ActorGraphException>(e);
            Assert.Throws<OutOfRangeException>(() => session.Run(next));
            Assert.Equal(7, session.Run(other).ToScalar<int>());
        }
    }

    [Fact]
    public void An_initializable_iterator_restarts_when_its_initializer_runs()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var iterator = Dataset.FromTensorSlices(Range(3)).MakeInitializableIterator();
            var next = iterator.GetNext();
            var session = new LocalExecutor(g);
            session.Run(iterator.Initializer);
            Assert.Equal([[0], [1], [2]], Drain(session, next).Select(e => e[0]));
            session.Run(iterator.Initializer);
            Assert.Equal(0, session.Run(next[0]).ToScalar<int>());
            session.Run(iterator.Initializer);
            Assert.Equal(0, session.Run(next[0]).ToScalar<int>());
        }
    }

    [Fact]
    public void A_restarted_seeded_shuffle_gives_the_same_order_again()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var iterator = Dataset.FromTensorSlices(Range(20)).Shuffle(20, seed: 5).MakeInitializableIterator();
            var next = iterator.GetNext();
            var session = new LocalExecutor(g);
            session.Run(iterator.Initializer);
            var first = Drain(session, next).Select(e => e[0][0]).ToArray();
            session.Run(iterator.Initializer);
            Assert.Equal(first, Drain(session, next).Select(e => e[0][0]).ToArray());
        }
    }

    [Fact]
    public void GetNext_of_an_uninitialized_iterator_is_a_failed_precondition()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var next = Dataset.FromTensorSlices(Range(3)).MakeInitializableIterator().GetNext()[0];
            var e = Assert.Throws<FailedPreconditionException>(() => new LocalExecutor(g).Run(next));
            Assert.Contains("not been initialized", e.Message);
        }
    }

    [Fact]
    public void A_one_shot_iterator_has_no_initializer()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var iterator = Dataset.FromTensorSlices(Range(3)).MakeOneShotIterator();
            Assert.Throws<InvalidOperationException>(() => iterator.Initializer);
        }
    }

    [Fact]
    public void Two_GetNext_ops_of_one_iterator_share_its_position()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var iterator = Dataset.FromTensorSlices(Range(4)).MakeOneShotIterator();
            Tensor a = iterator.GetNext()[0], b = iterator.GetNext()[0];
            var session = new LocalExecutor(g);
            Assert.Equal(0, session.Run(a).ToScalar<int>());
            Assert.Equal(1, session.Run(b).ToScalar<int>());
            Assert.Equal(2, session.Run(a).ToScalar<int>());
        }
    }

    [Fact]
    public void Each_session_keeps_its_own_position()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var next = Dataset.FromTensorSlices(Range(4)).MakeOneShotIterator().GetNext()[0];
            LocalExecutor one = new(g), two = new(g);
            one.Run(next);
            Assert.Equal(1, one.Run(next).ToScalar<int>());
            Assert.Equal(0, two.Run(next).ToScalar<int>());
        }
    }

    [Fact]
    public void GetNext_is_an_op_on_the_computation_path_with_static_shapes()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var (x, y) = Dataset.FromTensorSlices(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, new[] { 0, 1, 0 }).Batch(2).MakeOneShotIterator().GetNext() switch { var n => (n[0], n[1]) };
            Assert.Equal("IteratorGetNext", x.Op.Type);
            Assert.Equal(new Shape(-1, 2), x.Shape);
            Assert.Equal(new Shape(-1), y.Shape);
            var loss = TF.ReduceSum(x);
            var plan = new Executor(g).GetPlan([loss], []);
            Assert.Contains(plan.Operations, op => op.Type == "IteratorGetNext");
            Assert.Equal(10f, new LocalExecutor(g).Run(loss).ToScalar<float>());
        }
    }

    [Fact]
    public void An_error_inside_the_pipeline_fails_the_step_and_names_the_cause()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var lookup = Dataset.FromTensorSlices(Range(3)).Map(c => [TF.Gather(TF.Constant(new[] { 10, 20 }), c[0])]);
            var next = lookup.MakeOneShotIterator().GetNext()[0];
            var session = new LocalExecutor(g);
            Assert.Equal(10, session.Run(next).ToScalar<int>());
            Assert.Equal(20, session.Run(next).ToScalar<int>());
            var e = Assert.Throws<InvalidArgumentException>(() => session.Run(next));
            Assert.Contains("Gather", e.Message);
        }
    }

    [Fact]
    public async Task Disposing_the_store_stops_a_prefetching_pipeline_that_never_ends()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var next = Dataset.FromTensorSlices(Range(3)).Repeat().Prefetch(2).MakeOneShotIterator().GetNext()[0];
            var iterators = new IteratorStore();
            var step = new StepContext(new LocalVariableStore(), TextWriter.Null, iterators: iterators);
            Assert.Equal(0, new Executor(g).Run([next], null, step)[0]!.ToScalar<int>());
            await Task.Run(iterators.Dispose).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Throws<OutOfRangeException>(() => new Executor(g).Run([next], null, step));
        }
    }
}
