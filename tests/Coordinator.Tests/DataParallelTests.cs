using Xunit;

namespace ActorGraph.Coordinator.Tests;

// SessionOptions.DataParallel in local mode: the batch split over the workers. Synchronous replicas
// average their gradients at the parameter servers, so K workers take the one-worker full-batch step.
public class DataParallelTests
{
    private sealed record Model(Graph Graph, Tensor X, Tensor Labels, Tensor Logits, Tensor Loss, Operation Train, Variable W, Variable B);

    private static Model Build(Func<Optimizer> optimizer)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 4]);
        var labels = TF.Placeholder(DType.Float32, [-1, 3]);
        var w = TF.GetVariable("w", [4, 3], initializer: TF.GlorotUniformInitializer(seed: 3));
        var b = TF.GetVariable("b", [3], initializer: TF.ZerosInitializer());
        var logits = TF.MatMul(x, w) + b;
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        return new Model(g, x, labels, logits, loss, optimizer().Minimize(loss), (Variable)w, (Variable)b);
    }

    private static FeedDict Batch(Model m, int rows, int seed)
    {
        var rng = new Random(seed);
        var xs = new float[rows * 4];
        var ys = new float[rows * 3];
        for (int i = 0; i < xs.Length; i++) xs[i] = rng.NextSingle() * 2 - 1;
        for (int i = 0; i < rows; i++) ys[i * 3 + rng.Next(3)] = 1;
        return new FeedDict { [m.X] = NDArray.FromArray(xs, [rows, 4]), [m.Labels] = NDArray.FromArray(ys, [rows, 3]) };
    }

    public static TheoryData<string> Optimizers => ["sgd", "momentum", "adam"];

    private static Func<Optimizer> OptimizerOf(string name) => name switch
    {
        "sgd" => () => new GradientDescentOptimizer(0.5),
        "momentum" => () => new MomentumOptimizer(0.1, 0.9),
        _ => () => new AdamOptimizer(0.05),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Synchronous_replicas_on_three_workers_take_the_one_worker_full_batch_step(string optimizer)
    {
        var one = Build(OptimizerOf(optimizer));
        var three = Build(OptimizerOf(optimizer));
        using var reference = new Session(one.Graph, new SessionOptions { ExecutorOnly = true });
        using var replicated = new Session(three.Graph, new SessionOptions { Workers = 3, DataParallel = new DataParallelism() });
        reference.Run(TFInit(one));
        replicated.Run(TFInit(three));
        for (int step = 0; step < 5; step++)
        {
            // 13 rows: slices of 5, 4 and 4, so the weighting by slice size matters.
            var a = reference.Run([one.Loss, one.Logits, one.Train], Batch(one, 13, step));
            var b = replicated.Run([three.Loss, three.Logits, three.Train], Batch(three, 13, step));
            Close(a[0]!, b[0]!);
            Close(a[1]!, b[1]!);
        }
        Close(reference.Run(one.W), replicated.Run(three.W));
        Close(reference.Run(one.B), replicated.Run(three.B));
    }

    [Fact]
    public void Asynchronous_replicas_apply_each_slice_on_arrival_and_still_learn()
    {
        var m = Build(() => new GradientDescentOptimizer(0.2));
        using var sess = new Session(m.Graph, new SessionOptions { Workers = 2, DataParallel = new DataParallelism { Synchronous = false } });
        sess.Run(TFInit(m));
        var feed = Batch(m, 16, 1);
        float first = sess.Run(m.Loss, feed).ToScalar<float>();
        for (int i = 0; i < 30; i++) sess.Run([m.Train], feed);
        Assert.True(sess.Run(m.Loss, feed).ToScalar<float>() < first * 0.8f);
    }

    [Fact]
    public void Asynchronous_replicas_each_take_a_step_of_their_own()
    {
        var one = Build(() => new GradientDescentOptimizer(0.5));
        var two = Build(() => new GradientDescentOptimizer(0.5));
        using var reference = new Session(one.Graph, new SessionOptions { ExecutorOnly = true });
        using var replicated = new Session(two.Graph, new SessionOptions { Workers = 2, DataParallel = new DataParallelism { Synchronous = false } });
        reference.Run(TFInit(one));
        replicated.Run(TFInit(two));
        var w0 = reference.Run(one.W).ToArray<float>();
        reference.Run([one.Train], Batch(one, 8, 4));
        replicated.Run([two.Train], Batch(two, 8, 4));
        // Two half-batch steps of the same rate move twice as far as one full-batch step, to first order.
        var full = reference.Run(one.W).ToArray<float>();
        var twice = replicated.Run(two.W).ToArray<float>();
        double moved = full.Zip(w0).Sum(p => Math.Abs(p.Item1 - p.Item2)), movedTwice = twice.Zip(w0).Sum(p => Math.Abs(p.Item1 - p.Item2));
        Assert.InRange(movedTwice / moved, 1.6, 2.4);
    }

    [Fact]
    public void A_step_without_a_batch_runs_once()
    {
        var m = Build(() => new GradientDescentOptimizer(0.2));
        using var sess = new Session(m.Graph, new SessionOptions { Workers = 2, DataParallel = new DataParallelism { BackupAfter = TimeSpan.FromSeconds(5) } });
        sess.Run(TFInit(m));
        Assert.Equal([4, 3], sess.Run(m.W).Shape.ToArray());
    }

    private static Operation TFInit(Model m)
    {
        using var scope = m.Graph.AsDefault();
        return TF.GlobalVariablesInitializer();
    }

    private static void Close(NDArray expected, NDArray actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray<float>();
        var a = actual.ToArray<float>();
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5 + 1e-4 * Math.Abs(e[i]), $"[{i}]: {e[i]} vs {a[i]}");
    }
}
