using ActorGraph.Coordinator.Tests.Support;
using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// The seed's silent traps, said out loud once per plan: a Print off the computation path, and a
// graph that grows on every Run. No warning when neither happens.
public class TrapWarningTests
{
    private readonly Graph _graph = new();
    private readonly CapturingLogger _log = new();

    private Session Open() => new(_graph, new SessionOptions { Logger = _log, PrintOutput = TextWriter.Null });

    [Fact]
    public void A_print_of_a_computed_tensor_that_is_off_the_path_warns_that_it_will_not_print()
    {
        using var scope = _graph.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        _ = TF.Print(two, [two, three, sum]);
        using var sess = Open();
        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
        var warning = Assert.Single(_log.Warnings);
        Assert.StartsWith("Print 'Print' will not print: it is not on the computation path of [add:0]; fetch it, or use its output", warning);
    }

    [Fact]
    public void A_print_added_after_its_plan_first_ran_still_warns_as_in_the_seeds_order()
    {
        using var scope = _graph.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        using var sess = Open();
        sess.Run(sum);
        var printSum = TF.Print(sum, [two, three]);
        sess.Run(printSum);
        Assert.Empty(_log.Warnings);
        _ = TF.Print(two, [two, three, sum]);
        sess.Run(sum);
        sess.Run(sum);
        // Both Prints copy a tensor this Run computes, and neither is on its path.
        Assert.All(_log.Warnings, w => Assert.Contains("will not print: it is not on the computation path of [add:0]", w));
        Assert.Equal(["Print", "Print_1"], _log.Warnings.Select(w => w.Split('\'')[1]).Order());
    }

    [Fact]
    public void The_print_warning_comes_once_per_plan_not_once_per_run()
    {
        using var scope = _graph.AsDefault();
        var two = TF.Constant(2);
        var sum = two + TF.Constant(3);
        _ = TF.Print(two, [two], name: "Print_1");
        using var sess = Open();
        for (int i = 0; i < 50; i++) sess.Run(sum);
        Assert.Single(_log.Warnings);
        sess.Run([sum, two]);
        Assert.Equal(2, _log.Warnings.Count);
        Assert.Contains("Print 'Print_1' will not print: it is not on the computation path of [add:0, Const:0]", _log.Warnings[1]);
    }

    [Fact]
    public void A_print_on_the_path_or_of_a_tensor_the_run_does_not_compute_gives_no_warning()
    {
        using var scope = _graph.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        var printSum = TF.Print(sum, [two, three]);
        var four = TF.Constant(4);
        _ = TF.Print(four, [four]);
        using var sess = Open();
        Assert.Equal(5, sess.Run(printSum).ToScalar<int>());
        sess.Run(three);
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void A_print_whose_input_is_fed_gives_no_warning()
    {
        using var scope = _graph.AsDefault();
        var x = TF.Placeholder(DType.Int32);
        var doubled = x * 2;
        _ = TF.Print(x, [x]);
        using var sess = Open();
        sess.Run(doubled, new FeedDict { [x] = 3 });
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void A_node_created_inside_the_training_loop_warns_once_that_the_graph_grows()
    {
        using var scope = _graph.AsDefault();
        var x = TF.Placeholder(DType.Float32);
        using var sess = Open();
        for (int i = 0; i < 100; i++)
            sess.Run(TF.Square(x), new FeedDict { [x] = i });
        var warning = Assert.Single(_log.Warnings);
        Assert.StartsWith("the graph grows on every Run: a node is created inside your training loop", warning);
        Assert.Contains("(Square)", warning);
    }

    [Fact]
    public void A_training_loop_over_a_graph_built_once_gives_no_warning()
    {
        using var scope = _graph.AsDefault();
        // The seed's regression, y = m·x + b.
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var loss = TF.Square(y - (m * x + b));
        var trainOp = new GradientDescentOptimizer(1e-3).Minimize(loss);
        using var sess = Open();
        sess.Run(init);
        for (int i = 0; i < 500; i++)
            sess.Run([loss, trainOp], new FeedDict { [x] = i / 500f, [y] = 0.5f * i / 500f + 0.25f });
        sess.Run([m, b]);
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void The_seeds_walk_through_of_building_a_node_and_running_it_is_not_mistaken_for_a_growing_loop()
    {
        using var scope = _graph.AsDefault();
        using var sess = Open();
        Tensor last = TF.Constant(0);
        for (int i = 0; i < TrapWarnings.GrowingRunsBeforeWarning - 1; i++)
        {
            last = last + TF.Constant(i);
            sess.Run(last);
        }
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Runs_that_alternate_between_plans_of_a_graph_that_stopped_growing_give_no_warning()
    {
        using var scope = _graph.AsDefault();
        var a = TF.Constant(1);
        var b = TF.Constant(2);
        using var sess = Open();
        for (int i = 0; i < 200; i++) sess.Run(i % 2 == 0 ? a : b);
        Assert.Empty(_log.Warnings);
    }
}
