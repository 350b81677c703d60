using ActorGraph.Training;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// A read ordered after an optimizer's step inside a data-parallel step (SessionOptions.DataParallel, local mode).
public class DataParallelInStepOrderTests
{
    private sealed record Model(Graph Graph, Tensor X, Operation Train, Tensor After, Variable V);

    // loss = v * mean(x): with x all ones the gradient is 1, so each SGD step of rate 1 takes 1 from v.
    private static Model Build()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 1], name: "x");
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(10));
        var train = new GradientDescentOptimizer(1).Minimize(v * TF.ReduceMean(x));
        Tensor after;
        using (TF.ControlDependencies(train)) after = TF.Identity(v, name: "after");
        return new Model(g, x, train, after, (Variable)v);
    }

    private static FeedDict Ones(Model m) => new() { [m.X] = NDArray.FromArray(new float[4] { 1, 1, 1, 1 }, [4, 1]) };

    // Each replica's step reaches the shard before its read: every read sees its own replica's step, and the later
    // of the two reads sees both (10 - 2), so their average is at most 8.5; reads of the step's start would give 10.
    [Fact]
    public void Asynchronous_replicas_read_after_their_own_step_see_it()
    {
        var m = Build();
        using var sess = new Session(m.Graph, new SessionOptions { Workers = 2, DataParallel = new DataParallelism { Synchronous = false } });
        sess.Run(m.V.Initializer);
        float read = sess.Run(m.After, Ones(m)).ToScalar<float>();
        Assert.InRange(read, 8f, 8.5f);
        Assert.Equal(8f, sess.Run(m.V).ToScalar<float>());
    }

    // A synchronous step applies its replicas' average once, at its end: a read inside the step cannot follow it.
    [Fact]
    public void Synchronous_replicas_refuse_a_read_ordered_after_their_step_naming_both_ops()
    {
        var m = Build();
        using var sess = new Session(m.Graph, new SessionOptions { Workers = 2, DataParallel = new DataParallelism() });
        sess.Run(m.V.Initializer);
        var error = Assert.Throws<InvalidArgumentException>(() => sess.Run(m.After, Ones(m)));
        Assert.Contains("'after'", error.Message);
        Assert.Contains("'v'", error.Message);
        Assert.Contains("Synchronous = false", error.Message);
        // Nothing was applied, and the step without the read still runs.
        Assert.Equal(10f, sess.Run(m.V).ToScalar<float>());
        sess.Run([m.Train], Ones(m));
        Assert.Equal(9f, sess.Run(m.V).ToScalar<float>());
        // One row is no batch to split: an ordinary step, whose read follows its step.
        var oneRow = new FeedDict { [m.X] = NDArray.FromArray(new float[1] { 1 }, [1, 1]) };
        Assert.Equal(8f, sess.Run(m.After, oneRow).ToScalar<float>());
    }
}
