using Xunit;

namespace ActorGraph.Coordinator.Tests.ControlFlow;

// TensorFlow 1's control_flow_ops_py_test.py cases through a Session in local mode (2 workers, 2 ps):
// the If and While ops travel to a worker with their functions and run in its partition.
public class LocalControlFlowTests
{
    private static Session LocalSession(Graph g, TextWriter? print = null) =>
        new(g, new SessionOptions { Workers = 2, ParameterServers = 2, PrintOutput = print ?? TextWriter.Null });

    // testCondTrue / testCondFalse
    [Fact]
    public void Cond_returns_the_taken_branch()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Int32, Shape.Scalar);
        var y = TF.Constant(5);
        var z = TF.Cond(TF.Less(x, y), () => TF.Multiply(x, TF.Constant(17)), () => TF.Add(y, TF.Constant(23)));
        using var sess = LocalSession(g);
        Assert.Equal(34, sess.Run(z, new FeedDict { [x] = 2 }).ToScalar<int>());
        Assert.Equal(28, sess.Run(z, new FeedDict { [x] = 7 }).ToScalar<int>());
    }

    [Fact]
    public void An_assign_in_the_untaken_branch_does_nothing_and_in_the_taken_one_writes()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => TF.Assign(v, TF.Constant(10f)), () => TF.Identity(v) * TF.Constant(-1f));
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(-1f, sess.Run(r, new FeedDict { [pred] = false }).ToScalar<float>());
        Assert.Equal(1f, sess.Run(v).ToScalar<float>());
        Assert.Equal(10f, sess.Run(r, new FeedDict { [pred] = true }).ToScalar<float>());
        Assert.Equal(10f, sess.Run(v).ToScalar<float>());
    }

    // testWhile_1 and a loop with several variables, one captured from outside.
    [Fact]
    public void WhileLoop_counts_and_sums()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var limit = TF.Placeholder(DType.Int32, Shape.Scalar);
        var one = TF.Constant(1);
        var r = TF.WhileLoop(v => TF.LessEqual(v[0], limit), v => [v[0] + one, v[1] + v[0]], [TF.Constant(1), TF.Constant(0)]);
        using var sess = LocalSession(g);
        var values = sess.Run([r[0], r[1]], new FeedDict { [limit] = 10 });
        Assert.Equal((11, 55), (values[0]!.ToScalar<int>(), values[1]!.ToScalar<int>()));
    }

    [Fact]
    public void WhileLoop_stops_at_maximumIterations_and_nested_loops_run()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var one = TF.Constant(1);
        var early = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(100)), v => [v[0] + one], [TF.Constant(0)], maximumIterations: 7);
        var nested = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)),
            v => [v[0] + one, TF.WhileLoop(w => TF.Less(w[0], TF.Constant(4)), w => [w[0] + one, w[1] + one], [TF.Constant(0), v[1]])[1]],
            [TF.Constant(0), TF.Constant(0)]);
        using var sess = LocalSession(g);
        var values = sess.Run([early[0], nested[1]]);
        Assert.Equal((7, 12), (values[0]!.ToScalar<int>(), values[1]!.ToScalar<int>()));
    }

    [Fact]
    public void A_print_in_the_body_prints_once_per_iteration_in_order()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var r = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)), v => [TF.Print(v[0], [v[0]], "i=") + TF.Constant(1)], [TF.Constant(0)]);
        var output = new StringWriter();
        using (var sess = LocalSession(g, output)) Assert.Equal(3, sess.Run(r[0]).ToScalar<int>());
        Assert.Equal(["i=[0]", "i=[1]", "i=[2]"], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    }

    // An optimizer trains a variable read inside a loop's body, through the loop's gradient, on the workers.
    [Fact]
    public void An_optimizer_trains_through_a_loop()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", Shape.Scalar, DType.Float64, TF.ConstantInitializer(0.5));
        var one = TF.Constant(NDArray.Scalar(1.0));
        var h = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(5)), v => [v[0] + TF.Constant(1), v[1] * w + one], [TF.Constant(0), TF.Constant(NDArray.Scalar(0.0))])[1];
        var loss = TF.Square(h - TF.Constant(NDArray.Scalar(3.0)));
        var train = new GradientDescentOptimizer(0.01).Minimize(loss);
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        double first = sess.Run(loss).ToScalar<double>();
        for (int i = 0; i < 200; i++) sess.Run(train);
        Assert.True(sess.Run(loss).ToScalar<double>() < first / 100, "the loss through the loop fell a hundredfold");
    }

    // Each iteration sees the writes of the one before: an AssignAdd in the body, read back by the next iteration.
    [Fact]
    public void An_AssignAdd_in_the_body_is_seen_by_the_next_iteration()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("acc", Shape.Scalar, initializer: TF.ConstantInitializer(0));
        var r = TF.WhileLoop(i => TF.Less(i[0], TF.Constant(4)),
            i => [TF.Add(i[0], TF.Cast(TF.Greater(TF.AssignAdd(v, TF.Identity(v) + TF.Constant(1f)), TF.Constant(-1f)), DType.Int32))],
            [TF.Constant(0)]);
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(4, sess.Run(r[0]).ToScalar<int>());
        Assert.Equal(15f, sess.Run(v).ToScalar<float>());   // 0 → 1 → 3 → 7 → 15
    }
}
