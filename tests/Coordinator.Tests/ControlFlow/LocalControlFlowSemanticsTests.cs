using ActorGraph.Training;
using Xunit;

namespace ActorGraph.Coordinator.Tests.ControlFlow;

// More of TensorFlow 1's control_flow_ops_py_test.py through a Session in local mode with 2 workers and 2 ps,
// beside the executor's cases in tests/Graph.Tests/ControlFlow: the trap, nested conds, several loop variables,
// shape invariants, gradients, variables made inside a function, and where a loop with a device inside runs.
public class LocalControlFlowSemanticsTests
{
    private static Session LocalSession(Graph g) =>
        new(g, new SessionOptions { Workers = 2, ParameterServers = 2, PrintOutput = TextWriter.Null });

    private static Tensor C(double v) => TF.Constant(NDArray.Scalar(v));

    // testCondWithControl analogue, the TensorFlow 1 trap: an op made outside a branch and used inside runs
    // whatever the predicate is; one made inside runs only when its branch is taken.
    [Fact]
    public void An_assign_made_outside_runs_whatever_the_predicate_and_one_made_inside_only_when_taken()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var outside = TF.GetVariable("outside", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var inside = TF.GetVariable("inside", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var assign = TF.Assign(outside, TF.Constant(10f));
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => TF.Identity(assign) + TF.Assign(inside, TF.Constant(20f)), () => TF.Constant(-1f));
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(-1f, sess.Run(r, new FeedDict { [pred] = false }).ToScalar<float>());
        Assert.Equal((10f, 1f), (sess.Run(outside).ToScalar<float>(), sess.Run(inside).ToScalar<float>()));
        Assert.Equal(30f, sess.Run(r, new FeedDict { [pred] = true }).ToScalar<float>());
        Assert.Equal(20f, sess.Run(inside).ToScalar<float>());
    }

    // testCondNested
    [Fact]
    public void Nested_conds_take_the_right_branches()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, Shape.Scalar);
        var r = TF.Cond(TF.Greater(x, TF.Constant(0f)),
            () => TF.Cond(TF.Greater(x, TF.Constant(10f)), () => x * TF.Constant(100f), () => x * TF.Constant(10f)),
            () => TF.Negate(x));
        using var sess = LocalSession(g);
        Assert.Equal(2000f, sess.Run(r, new FeedDict { [x] = 20f }).ToScalar<float>());
        Assert.Equal(50f, sess.Run(r, new FeedDict { [x] = 5f }).ToScalar<float>());
        Assert.Equal(3f, sess.Run(r, new FeedDict { [x] = -3f }).ToScalar<float>());
    }

    // testWhile_3 analogue: three loop variables, a counter, a sum and a product.
    [Fact]
    public void A_loop_with_three_variables()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var one = TF.Constant(1);
        var r = TF.WhileLoop(v => TF.LessEqual(v[0], TF.Constant(5)), v => [v[0] + one, v[1] + v[0], v[2] * v[0]],
            [TF.Constant(1), TF.Constant(0), TF.Constant(1)]);
        using var sess = LocalSession(g);
        var values = sess.Run([r[0], r[1], r[2]]);
        Assert.Equal([6, 15, 120], values.Select(v => v!.ToScalar<int>()));
    }

    // testWhileShapeInference: refused while the graph is built, whatever the mode; with an invariant the loop runs.
    [Fact]
    public void A_growing_loop_variable_needs_an_invariant_and_runs_with_one()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Constant(NDArray.FromArray(new float[] { 1 }, Shape.Create([1])), name: "x");
        var e = Assert.Throws<ArgumentException>(() =>
            TF.WhileLoop(v => TF.Less(TF.ReduceSum(v[0]), TF.Constant(100f)), v => [TF.Concat([v[0], v[0]], 0)], [x]));
        Assert.StartsWith("Input tensor 'x:0' enters the loop with shape (1,), but has shape (2,) after one iteration.", e.Message);
        var r = TF.WhileLoop(v => TF.Less(TF.ReduceSum(v[0]), TF.Constant(100f)), v => [TF.Concat([v[0], v[0]], 0)], [x],
            shapeInvariants: [Shape.Create([-1])]);
        using var sess = LocalSession(g);
        Assert.Equal(128, sess.Run(r[0]).Shape[0]);
    }

    // testWhileGrad_Square analogue: x^4 by a loop, d/dx = 4x^3, on the workers.
    [Fact]
    public void The_gradient_of_x_to_the_n_by_a_loop()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float64, Shape.Scalar);
        var y = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(4)), v => [v[0] + TF.Constant(1), v[1] * x], [TF.Constant(0), C(1)])[1];
        var dx = TF.Gradients(y, [x])[0]!;
        using var sess = LocalSession(g);
        var values = sess.Run([y, dx], new FeedDict { [x] = NDArray.Scalar(1.5) });
        Assert.Equal(Math.Pow(1.5, 4), values[0]!.ToScalar<double>(), 9);
        Assert.Equal(4 * Math.Pow(1.5, 3), values[1]!.ToScalar<double>(), 9);
    }

    // testCondGrad_1 analogue, trained: an optimizer reaches the target through the taken branch of a cond.
    [Fact]
    public void An_optimizer_trains_through_a_cond()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", Shape.Scalar, DType.Float64, TF.ConstantInitializer(0.5));
        var flag = TF.Placeholder(DType.Bool, Shape.Scalar);
        var output = TF.Cond(flag, () => w * C(3), () => w * w);
        var loss = TF.Square(output - C(3));
        var train = new GradientDescentOptimizer(0.02).Minimize(loss);
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        var feed = new FeedDict { [flag] = true };
        for (int i = 0; i < 100; i++) sess.Run(train, feed);
        Assert.Equal(1.0, sess.Run(w).ToScalar<double>(), 4);
        feed = new FeedDict { [flag] = false };
        for (int i = 0; i < 200; i++) sess.Run(train, feed);
        Assert.Equal(Math.Sqrt(3), sess.Run(w).ToScalar<double>(), 3);
    }

    // variable_scope_test.py testVarScopeGetOrCreateReuse (AUTO_REUSE), inside a loop body: a variable made by GetVariable inside a body
    // or a cond branch is a variable of the graph, initialized with the others and trained through the function.
    [Fact]
    public void Variables_made_inside_a_body_or_a_branch_are_trained_through_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var flag = TF.Placeholder(DType.Bool, Shape.Scalar);
        var h = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)), v =>
        {
            using var reuse = TF.VariableScope("cell", VariableReuse.AutoReuse);
            var w = TF.GetVariable("w", Shape.Scalar, DType.Float64, TF.ConstantInitializer(0.5));
            return [v[0] + TF.Constant(1), v[1] * w + C(1)];
        }, [TF.Constant(0), C(0)])[1];
        var output = TF.Cond(flag, () => h * TF.GetVariable("scale", Shape.Scalar, DType.Float64, TF.ConstantInitializer(1.0)), () => h);
        var loss = TF.Square(output - C(3));
        var train = new GradientDescentOptimizer(0.01).Minimize(loss);
        using var sess = LocalSession(g);
        sess.Run(TF.GlobalVariablesInitializer());
        var feed = new FeedDict { [flag] = true };
        double first = sess.Run(loss, feed).ToScalar<double>();
        for (int i = 0; i < 200; i++) sess.Run(train, feed);
        Assert.True(sess.Run(loss, feed).ToScalar<double>() < first / 100, "the loss fell a hundredfold");
        Assert.NotEqual(0.5, sess.Run(g.GetTensor("cell/w:0")).ToScalar<double>());
        Assert.NotEqual(1.0, sess.Run(g.GetTensor("scale:0")).ToScalar<double>());
    }

    // A loop whose body names a worker runs whole there (its functions beside it); two workers named inside refuse the plan.
    [Fact]
    public void A_device_inside_a_loop_places_the_whole_loop_and_two_devices_refuse_the_plan()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var one = TF.Constant(1);
        var placed = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(5)), v =>
        {
            using var device = TF.Device("/job:worker/task:1");
            return [v[0] + one];
        }, [TF.Constant(0)], name: "placed");
        var split = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(5)), v =>
        {
            Tensor a;
            using (TF.Device("/job:worker/task:0")) a = v[0] + one;
            using (TF.Device("/job:worker/task:1")) return [a * TF.Constant(1)];
        }, [TF.Constant(0)], name: "split");
        using var sess = LocalSession(g);
        Assert.Equal(5, sess.Run(placed[0]).ToScalar<int>());
        Assert.Equal("/job:worker/task:1", sess.Explain([placed[0]]).Placement[placed[0].Op.Name]);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(split[0]));
        Assert.Contains("While (op 'split') runs whole on one worker", e.Message);
        Assert.Contains("/job:worker/task:0", e.Message);
        Assert.Contains("/job:worker/task:1", e.Message);
    }

    // Explain lists a loop's ops once, after the loop, each with its frame and the loop's worker.
    [Fact]
    public void Explain_lists_a_loops_ops_once_with_their_frame()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var r = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)), v => [v[0] + TF.Constant(1)], [TF.Constant(0)], name: "count");
        using var sess = LocalSession(g);
        var plan = sess.Explain([r[0]]);
        var inside = plan.Frames.Where(f => f.Value == "count").Select(f => f.Key).ToArray();
        Assert.Contains(inside, n => g.GetOperation(n).Type == "Less");
        Assert.Contains(inside, n => g.GetOperation(n).Type == "Add");
        Assert.Equal(plan.Operations.Count, plan.Operations.Distinct().Count());
        Assert.True(plan.Operations.ToList().IndexOf("count") < plan.Operations.ToList().IndexOf(inside[0]));
        foreach (var n in inside) Assert.Equal(plan.Placement["count"], plan.Placement[n]);
        Assert.Contains("frame", plan.ToString());
    }
}
