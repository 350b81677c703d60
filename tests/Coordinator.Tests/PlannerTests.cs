using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Placement and cutting, without actors.
public class PlannerTests
{
    private static readonly string[] Workers = ["w0", "w1", "w2"];
    private static readonly string[] Shards = ["s0", "s1"];

    [Fact]
    public void Variables_are_balanced_over_the_parameter_servers_by_size()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            TF.GetVariable("big", [100], initializer: TF.ZerosInitializer());
            TF.GetVariable("small1", [10], initializer: TF.ZerosInitializer());
            TF.GetVariable("small2", [10], initializer: TF.ZerosInitializer());
            TF.GetVariable("small3", [10], initializer: TF.ZerosInitializer());
        }
        var placement = new VariablePlacement(2);
        placement.Add(g.Operations);
        Assert.Equal(0, placement.ShardOf(g.GetOperation("big")));
        Assert.All(["small1", "small2", "small3"], n => Assert.Equal(1, placement.ShardOf(g.GetOperation(n))));
        Assert.Equal((400, 120), (placement.BytesOn(0), placement.BytesOn(1)));
    }

    [Fact]
    public void A_variable_placed_on_a_parameter_server_the_session_lacks_fails_the_plan_naming_it()
    {
        var g = new Graph();
        using (g.AsDefault())
        using (TF.Device("/job:ps/task:5"))
            TF.Identity(TF.GetVariable("far", [], initializer: TF.ZerosInitializer()), name: "out");
        var placement = new VariablePlacement(2);
        placement.Add(g.Operations);
        var plan = Planner.Build(1, g, ["out:0"], [], placement, [0, 1, 2], Workers, Shards, requireFeeds: true);
        Assert.IsType<InvalidArgumentException>(plan.Error);
        Assert.Contains("/job:ps/task:5", plan.Error!.Message);
    }

    [Fact]
    public void A_step_with_nothing_pinning_it_goes_to_the_worker_listed_first()
    {
        // The coordinator lists the worker in its own process first: a step whose feeds and variables
        // favour no worker should run there whole, whatever its task number.
        var g = new Graph();
        using (g.AsDefault())
        {
            var x = TF.Placeholder(DType.Float32, [-1, 4], name: "x");
            var w = TF.GetVariable("w", [4, 2], initializer: TF.ZerosInitializer());
            TF.Multiply(TF.MatMul(x, w), TF.Constant(2f), name: "y");
        }
        var placement = new VariablePlacement(2);
        placement.Add(g.Operations);
        foreach (var (tasks, expected) in new[] { (new[] { 0, 1, 2 }, 0), (new[] { 2, 0, 1 }, 2), (new[] { 1, 0, 2 }, 1) })
        {
            var plan = Planner.Build(1, g, ["y:0"], ["x:0"], placement, tasks, Workers, Shards, requireFeeds: true);
            Assert.Null(plan.Error);
            Assert.Equal([expected], plan.Shares.Select(s => s.Task));
        }
    }

    [Fact]
    public void Ops_follow_their_inputs_and_cut_edges_get_a_send_and_a_receive_each()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            Tensor a, b;
            using (TF.Device("/job:worker/task:0")) a = TF.Constant(1f, name: "a");
            using (TF.Device("/job:worker/task:2")) b = TF.Constant(2f, name: "b");
            var c = TF.Multiply(b, b, name: "c");
            TF.Add(a, c, name: "d");
        }
        var plan = Planner.Build(1, g, ["d:0"], [], new VariablePlacement(2), [0, 1, 2], Workers, Shards, requireFeeds: true);
        Assert.Null(plan.Error);
        Assert.Equal("/job:worker/task:2", plan.Placement["c"]);
        Assert.Equal(["_Recv/c_0/w0", "_Send/c_0/w0"], plan.Operations.Where(o => o.StartsWith('_')).Order(StringComparer.Ordinal));
        Assert.Equal([0, 2], plan.Shares.Select(s => s.Task).Order());
        var receiver = plan.Shares.Single(s => s.Task == 0).Registration.Stages.Single();
        var sender = plan.Shares.Single(s => s.Task == 2).Registration.Stages.Single();
        Assert.Equal(sender.Sends.Select(s => s.Edge), receiver.Recvs.Select(r => r.Edge));
        Assert.Equal([0], sender.Sends.Select(s => s.Worker));
        Assert.Contains(receiver.Ops, o => o.Name == "d" && o.Inputs.SequenceEqual(["a:0", "_Recv/c_0/w0:0"]));
    }

    [Fact]
    public void A_constant_placed_for_balance_joins_consumers_a_feed_pulled_to_one_worker_and_constants_alone_stay_spread()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var x = TF.Placeholder(DType.Float32, [2], name: "x");
            var scale = TF.Constant(3f, name: "scale");
            TF.Multiply(TF.Multiply(x, x, name: "square"), scale, name: "scaled");
            TF.Add(TF.Constant(2, name: "two"), TF.Constant(3, name: "three"), name: "sum");
        }
        var plan = Planner.Build(1, g, ["scaled:0", "sum:0"], ["x:0"], new VariablePlacement(2), [0, 1, 2], Workers, Shards, requireFeeds: true);
        Assert.Null(plan.Error);
        // The first constant went to another worker for balance; it follows its fed consumer, so no value crosses for it.
        Assert.Equal(plan.Placement["square"], plan.Placement["scale"]);
        Assert.Equal(plan.Placement["square"], plan.Placement["scaled"]);
        // A sum of constants has nothing to follow: its constants keep their balance, and one crosses.
        Assert.NotEqual(plan.Placement["two"], plan.Placement["three"]);
    }

    [Fact]
    public void A_value_that_comes_back_to_a_worker_starts_a_new_stage_there()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            Tensor a, b;
            using (TF.Device("/job:worker/task:0")) a = TF.Constant(1f, name: "a");
            using (TF.Device("/job:worker/task:1")) b = TF.Negate(a, name: "b");
            using (TF.Device("/job:worker/task:0")) TF.Add(a, b, name: "c");
        }
        var plan = Planner.Build(1, g, ["c:0"], [], new VariablePlacement(1), [0, 1], Workers[..2], Shards[..1], requireFeeds: true);
        var stages = plan.Shares.Single(s => s.Task == 0).Registration.Stages;
        Assert.Equal(2, stages.Length);
        Assert.Contains("a", stages[0].Roots);
        Assert.Contains("c", stages[1].Roots);
        // a reaches the later stage on its own worker without a message; b comes from worker 1.
        Assert.Equal(["_Recv/a_0/w0s1:0", "_Recv/b_0/w0s1:0"], stages[1].Recvs.Select(r => r.Tensor).Order(StringComparer.Ordinal));
    }
}
