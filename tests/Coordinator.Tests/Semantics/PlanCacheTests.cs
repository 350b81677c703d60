using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// A plan is compiled once per (fetches, fed tensors) and survives the graph growing.
public class PlanCacheTests
{
    [Fact]
    public void A_plan_is_compiled_once_and_reused_across_runs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32);
        var y = x * 3f;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter(), ExecutorOnly = true });
        for (int i = 0; i < 5; i++) Assert.Equal(3f * i, sess.Run(y, new FeedDict { [x] = i }).ToScalar<float>());
        Assert.Equal(1, sess.Executor.CachedPlanCount);
        sess.Run([y, x], new FeedDict { [x] = 1f });
        sess.Run(y, new FeedDict { [x] = 1f, [y] = 2f });
        Assert.Equal(3, sess.Executor.CachedPlanCount);
        sess.Run(y, new FeedDict { [y] = 2f, [x] = 1f });
        Assert.Equal(3, sess.Executor.CachedPlanCount);
    }

    [Fact]
    public void The_graph_may_grow_after_the_session_opened_and_old_plans_stay()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter(), ExecutorOnly = true });
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
        var plan = sess.Executor.GetPlan([sum], []);

        var v = TF.GetVariable("v", [], DType.Int32, TF.ConstantInitializer(4));
        var bigger = sum * v;
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(20, sess.Run(bigger).ToScalar<int>());

        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
        Assert.Same(plan, sess.Executor.GetPlan([sum], []));
        Assert.Equal(3, sess.Executor.CachedPlanCount);
    }

    [Fact]
    public void A_variable_made_after_a_run_is_assigned_and_read_in_the_same_session()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.Constant(new[] { 1f, 1f });
        var v = TF.GetVariable("v", [2], initializer: TF.OnesInitializer());
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        Assert.Equal([1f, 1f], sess.Run(v).ToArray<float>());
        var d = TF.Constant(new[] { 3f, 3f });
        var e = a + d;
        var assignEToV = TF.Assign(v, e);
        Assert.Equal([4f, 4f], sess.Run(e).ToArray<float>());
        Assert.Equal([1f, 1f], sess.Run(v).ToArray<float>());
        sess.Run(assignEToV);
        Assert.Equal([4f, 4f], sess.Run(v).ToArray<float>());
    }
}
