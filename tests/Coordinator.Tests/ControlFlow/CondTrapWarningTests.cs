using ActorGraph.Coordinator.Tests.Support;
using Xunit;

namespace ActorGraph.Coordinator.Tests.ControlFlow;

// TensorFlow 1's Cond trap said out loud once: an op with a side effect made outside a branch and used inside.
public class CondTrapWarningTests
{
    private readonly Graph _graph = new();
    private readonly CapturingLogger _log = new();

    [Fact]
    public void An_assign_made_outside_and_used_in_a_branch_warns_once_naming_it()
    {
        using var scope = _graph.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var assign = TF.Assign(v, TF.Constant(10f), name: "set_v");
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => TF.Identity(assign), () => TF.Constant(-1f));
        using var sess = new Session(_graph, new SessionOptions { Logger = _log, PrintOutput = TextWriter.Null });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(-1f, sess.Run(r, new FeedDict { [pred] = false }).ToScalar<float>());
        Assert.Equal(10f, sess.Run(v).ToScalar<float>());
        sess.Run(r, new FeedDict { [pred] = true });
        var warning = Assert.Single(_log.Warnings);
        Assert.StartsWith("Assign 'set_v' is made outside the Cond 'cond' and used inside a branch: it runs whatever the predicate is", warning);
    }

    [Fact]
    public void Side_effects_made_inside_the_branch_do_not_warn()
    {
        using var scope = _graph.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var pred = TF.Placeholder(DType.Bool, Shape.Scalar);
        var r = TF.Cond(pred, () => TF.Assign(v, TF.Constant(10f)), () => TF.Print(TF.Constant(-1f), [], "no"));
        using var sess = new Session(_graph, new SessionOptions { Logger = _log, PrintOutput = TextWriter.Null });
        sess.Run(TF.GlobalVariablesInitializer());
        sess.Run(r, new FeedDict { [pred] = false });
        Assert.Empty(_log.Warnings);
    }
}
