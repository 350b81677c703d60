using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.ControlFlow;

// Translated from TensorFlow 1's control_flow_ops_py_test.py (tests named in each comment).
public class ControlFlowTests
{
    private static Graph NewGraph(out IDisposable scope)
    {
        var g = new Graph();
        scope = g.AsDefault();
        return g;
    }

    // testCondTrue / testCondFalse
    [Theory]
    [InlineData(2, 34)]
    [InlineData(7, 28)]
    public void Cond_returns_the_taken_branch(int xValue, int expected)
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = TF.Constant(xValue);
        var y = TF.Constant(5);
        var z = TF.Cond(TF.Less(x, y), () => TF.Multiply(x, TF.Constant(17)), () => TF.Add(y, TF.Constant(23)));
        Assert.Equal(expected, new LocalExecutor(g).Run(z).ToScalar<int>());
    }

    // testCondSideEffects analogue: an Assign made inside the untaken branch does nothing.
    [Fact]
    public void Ops_made_in_the_untaken_branch_do_not_run()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => TF.Assign(v, TF.Constant(10f)), () => TF.Identity(TF.Constant(-1f)));
        var run = new LocalExecutor(g);
        run.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(-1f, run.Run(r, new FeedDict { [pred] = false }).ToScalar<float>());
        Assert.Equal(1f, run.Run(v).ToScalar<float>());
        Assert.Equal(10f, run.Run(r, new FeedDict { [pred] = true }).ToScalar<float>());
        Assert.Equal(10f, run.Run(v).ToScalar<float>());
    }

    // The TensorFlow 1 trap: an op made outside a branch and used inside runs whatever pred is.
    [Fact]
    public void Ops_made_outside_and_used_inside_always_run()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var assign = TF.Assign(v, TF.Constant(10f));
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => TF.Identity(assign), () => TF.Constant(-1f));
        var run = new LocalExecutor(g);
        run.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(-1f, run.Run(r, new FeedDict { [pred] = false }).ToScalar<float>());
        Assert.Equal(10f, run.Run(v).ToScalar<float>());
    }

    [Fact]
    public void A_print_in_the_untaken_branch_prints_nothing()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = TF.Constant(3f);
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => TF.Print(x, [x], "taken: "), () => TF.Negate(x));
        var output = new StringWriter();
        var run = new LocalExecutor(g, output);
        Assert.Equal(-3f, run.Run(r, new FeedDict { [pred] = false }).ToScalar<float>());
        Assert.Equal("", output.ToString());
        Assert.Equal(3f, run.Run(r, new FeedDict { [pred] = true }).ToScalar<float>());
        Assert.Contains("taken: [3]", output.ToString());
    }

    // testCondNested
    [Fact]
    public void Nested_conds_take_the_right_branches()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = TF.Placeholder(DType.Float32, Shape.Scalar);
        var zero = TF.Constant(0f);
        var r = TF.Cond(TF.Greater(x, zero),
            () => TF.Cond(TF.Greater(x, TF.Constant(10f)), () => x * TF.Constant(100f), () => x * TF.Constant(10f)),
            () => TF.Negate(x));
        var run = new LocalExecutor(g);
        Assert.Equal(2000f, run.Run(r, new FeedDict { [x] = 20f }).ToScalar<float>());
        Assert.Equal(50f, run.Run(r, new FeedDict { [x] = 5f }).ToScalar<float>());
        Assert.Equal(3f, run.Run(r, new FeedDict { [x] = -3f }).ToScalar<float>());
    }

    [Fact]
    public void Cond_with_several_results_and_a_result_made_outside()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var a = TF.Constant(2f);
        var b = TF.Constant(3f);
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => [a, a + b], () => [b, a * b]);
        var run = new LocalExecutor(g);
        var values = run.Run([r[0], r[1]], new FeedDict { [pred] = false });
        Assert.Equal([3f, 6f], values.Select(v => v!.ToScalar<float>()));
        values = run.Run([r[0], r[1]], new FeedDict { [pred] = true });
        Assert.Equal([2f, 5f], values.Select(v => v!.ToScalar<float>()));
    }

    [Fact]
    public void Branches_of_different_counts_or_dtypes_are_refused_naming_both()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var count = Assert.Throws<ArgumentException>(() => TF.Cond(pred, () => [TF.Constant(1f), TF.Constant(2f)], () => [TF.Constant(1f)]));
        Assert.Contains("true_fn returned 2", count.Message);
        Assert.Contains("false_fn returned 1", count.Message);
        var dtype = Assert.Throws<ArgumentException>(() => TF.Cond(pred, () => TF.Constant(1f), () => TF.Constant(1)));
        Assert.Contains("float32", dtype.Message);
        Assert.Contains("int32", dtype.Message);
    }

    // testWhile_1: count to 10.
    [Fact]
    public void WhileLoop_counts()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var n = TF.Constant(0);
        var r = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(10000)), v => [v[0] + TF.Constant(1)], [n]);
        Assert.Equal(10000, new LocalExecutor(g).Run(r[0]).ToScalar<int>());
    }

    // testWhileWithRefs / testLoopWithSeveralVariables analogue: sum 1..10 with a counter and a total.
    [Fact]
    public void WhileLoop_with_several_variables_and_a_captured_tensor()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var limit = TF.Placeholder(DType.Int32, Shape.Scalar);
        var one = TF.Constant(1);
        var r = TF.WhileLoop(v => TF.LessEqual(v[0], limit), v => [v[0] + one, v[1] + v[0]], [TF.Constant(1), TF.Constant(0)]);
        var values = new LocalExecutor(g).Run([r[0], r[1]], new FeedDict { [limit] = 10 });
        Assert.Equal(11, values[0]!.ToScalar<int>());
        Assert.Equal(55, values[1]!.ToScalar<int>());
    }

    // testWhileLoopWithMaximumIterations (early stop).
    [Fact]
    public void WhileLoop_stops_at_maximumIterations()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var r = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(100)), v => [v[0] + TF.Constant(1)], [TF.Constant(0)], maximumIterations: 7);
        Assert.Equal(7, new LocalExecutor(g).Run(r[0]).ToScalar<int>());
    }

    // testWhileShapeInference: a growing shape without an invariant is refused with TensorFlow's text.
    [Fact]
    public void A_loop_variable_whose_shape_changes_needs_an_invariant()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var x = TF.Constant(NDArray.FromArray(new float[] { 1 }, Shape.Create([1])), name: "x");
        var e = Assert.Throws<ArgumentException>(() =>
            TF.WhileLoop(v => TF.Less(TF.ReduceSum(v[0]), TF.Constant(100f)), v => [TF.Concat([v[0], v[0]], 0)], [x]));
        Assert.StartsWith("Input tensor 'x:0' enters the loop with shape (1,), but has shape (2,) after one iteration. To allow the shape to vary across iterations, use the shapeInvariants argument", e.Message);
        var r = TF.WhileLoop(v => TF.Less(TF.ReduceSum(v[0]), TF.Constant(100f)), v => [TF.Concat([v[0], v[0]], 0)], [x],
            shapeInvariants: [Shape.Create([-1])]);
        Assert.Equal(128, new LocalExecutor(g).Run(r[0]).Shape[0]);
    }

    // testWhilePrint analogue: a Print in the body prints once per iteration, in order.
    [Fact]
    public void A_print_in_the_body_prints_once_per_iteration()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var r = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)), v => [TF.Print(v[0], [v[0]], "i=") + TF.Constant(1)], [TF.Constant(0)]);
        var output = new StringWriter();
        new LocalExecutor(g, output).Run(r[0]);
        Assert.Equal(["i=[0]", "i=[1]", "i=[2]"], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    }

    // testWhileUpdateVariable analogue: each iteration sees the writes of the one before.
    [Fact]
    public void An_AssignAdd_in_the_body_is_seen_by_the_next_iteration()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var v = TF.GetVariable("acc", Shape.Scalar, initializer: TF.ConstantInitializer(0));
        var r = TF.WhileLoop(i => TF.Less(i[0], TF.Constant(4)),
            i => [TF.Add(i[0], TF.Cast(TF.Greater(TF.AssignAdd(v, TF.Identity(v) + TF.Constant(1f)), TF.Constant(-1f)), DType.Int32))],
            [TF.Constant(0)]);
        var run = new LocalExecutor(g);
        run.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(4, run.Run(r[0]).ToScalar<int>());
        Assert.Equal(15f, run.Run(v).ToScalar<float>());   // 0 → 1 → 3 → 7 → 15
    }

    // testNestedWhileLoop: a loop inside a loop's body.
    [Fact]
    public void Nested_loops()
    {
        var g = NewGraph(out var scope);
        using var _ = scope;
        var one = TF.Constant(1);
        var r = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)),
            v => [v[0] + one, TF.WhileLoop(w => TF.Less(w[0], TF.Constant(4)), w => [w[0] + one, w[1] + one], [TF.Constant(0), v[1]])[1]],
            [TF.Constant(0), TF.Constant(0)]);
        Assert.Equal(12, new LocalExecutor(g).Run(r[1]).ToScalar<int>());
    }

    // A graph written and read back keeps its conds and loops: their functions are ops of the graph.
    [Fact]
    public void A_graph_with_a_cond_and_a_loop_read_back_runs_alike()
    {
        var copy = Wire.GraphFileRoundTripTests.RoundTrip(LoopAndCondGraph());
        var x = copy.GetTensor("x:0");
        var result = copy.GetTensor("result:0");
        var run = new LocalExecutor(copy);
        Assert.Equal(55f + 100f, run.Run(result, new FeedDict { [x] = 10f }).ToScalar<float>());
        Assert.Equal(-3f, run.Run(result, new FeedDict { [x] = -3f }).ToScalar<float>());
    }

    internal static Graph LoopAndCondGraph()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, Shape.Scalar, name: "x");
        var one = TF.Constant(1f);
        var sum = TF.Cond(TF.Greater(x, TF.Constant(0f)),
            () => TF.WhileLoop(v => TF.LessEqual(v[0], x), v => [v[0] + one, v[1] + v[0]], [one, TF.Constant(0f)])[1] + TF.Constant(100f),
            () => TF.Identity(x));
        TF.Identity(sum, name: "result");
        return g;
    }
}
