using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// An uninitialized variable, read through a session's parameter servers, names the initializer to run.
public class TeachingErrorTests
{
    private readonly Graph _graph = new();

    [Fact]
    public void An_uninitialized_variable_names_its_initializer()
    {
        using var scope = _graph.AsDefault();
        var count = TF.GetVariable("count", []);
        using var sess = new Session(_graph);
        var e = Assert.Throws<FailedPreconditionException>(() => sess.Run(count));
        Assert.StartsWith("Attempting to use uninitialized value count", e.Message);
        Assert.Contains("TF.GlobalVariablesInitializer()", e.Message);
        Assert.Contains("'count/Assign' (count.Initializer)", e.Message);
    }

    [Fact]
    public void A_variable_created_after_init_is_told_that_init_does_not_cover_it()
    {
        using var scope = _graph.AsDefault();
        _ = TF.GetVariable("early", [], initializer: TF.ZerosInitializer());
        var init = TF.GlobalVariablesInitializer();
        var late = TF.GetVariable("late", [], initializer: TF.ZerosInitializer());
        using var sess = new Session(_graph);
        sess.Run(init);
        var e = Assert.Throws<FailedPreconditionException>(() => sess.Run(late));
        Assert.Contains("The graph's 'init' does not cover late: it was created before late existed", e.Message);
    }
}
