using ActorGraph.Training;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Which stages talk to the shards mid-step: only those a read ordered after a shard-applied write needs.
public class InStepOrderPlanTests
{
    private static readonly string[] Workers = ["w0", "w1"];
    private static readonly string[] Shards = ["s0", "s1"];

    private static VariablePlacement Placed(Graph g)
    {
        var placement = new VariablePlacement(2);
        placement.Add(g.Operations);
        return placement;
    }

    [Fact]
    public void A_training_step_without_ordered_reads_asks_nothing_mid_step()
    {
        var g = new Graph();
        string train;
        using (g.AsDefault())
        {
            var x = TF.Placeholder(DType.Float32, [4, 3], name: "x");
            var w = TF.GetVariable("w", [3, 2], initializer: TF.ConstantInitializer(0.5));
            var loss = TF.ReduceMean(TF.Square(TF.MatMul(x, w)));
            train = new GradientDescentOptimizer(0.1).Minimize(loss).Name;
        }
        var plan = Planner.Build(1, g, ["^" + train], ["x:0"], Placed(g), [0, 1], Workers, Shards, requireFeeds: true);
        Assert.Null(plan.Error);
        var stages = plan.Shares.SelectMany(s => s.Registration.Stages).ToArray();
        Assert.All(stages, s => Assert.Null(s.LateReads));
        Assert.All(stages, s => Assert.False(s.AppliesUpdates));
    }

    [Fact]
    public void A_read_after_a_write_on_another_worker_is_late_and_the_write_is_applied_before_its_tensors_leave()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
            Tensor add;
            using (TF.Device("/job:worker/task:0")) add = TF.AssignAdd(v, TF.Constant(2f), name: "add");
            using (TF.Device("/job:worker/task:1"))
            using (TF.ControlDependencies(add.Op)) TF.Identity(v, name: "after");
            using (TF.Device("/job:worker/task:1")) TF.Multiply(v, TF.Constant(2f), name: "unordered");
        }
        var plan = Planner.Build(1, g, ["after:0", "unordered:0"], [], Placed(g), [0, 1], Workers, Shards, requireFeeds: true);
        Assert.Null(plan.Error);
        var writer = plan.Shares.Single(s => s.Task == 0).Registration;
        var reader = plan.Shares.Single(s => s.Task == 1).Registration;
        Assert.Contains(writer.Stages, s => s.AppliesUpdates && s.Ops.Any(o => o.Name == "add"));
        var late = reader.Stages.Single(s => s.LateReads is not null);
        Assert.Equal(["v"], late.LateReads!);
        Assert.Contains(late.Ops, o => o.Name == "after");
        // The unordered read is still served at the step's start.
        Assert.Contains(reader.Reads.SelectMany(r => r), i => reader.Variables[i] == "v");
    }

    [Fact]
    public void A_read_after_an_optimizer_step_on_its_own_worker_runs_in_a_later_stage()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
            var train = new MomentumOptimizer(0.5, 0.9).ApplyGradients([(TF.Constant(2f), v)]);
            using (TF.ControlDependencies(train)) TF.Identity(v, name: "after");
        }
        var plan = Planner.Build(1, g, ["after:0"], [], Placed(g), [0], Workers[..1], Shards, requireFeeds: true);
        Assert.Null(plan.Error);
        var stages = plan.Shares.Single().Registration.Stages;
        Assert.True(stages.Length >= 2);
        Assert.True(stages[0].AppliesUpdates);
        Assert.Equal(["v"], stages[^1].LateReads!);
        // Nothing else reads v: the step's start does not.
        Assert.All(plan.Shares.Single().Registration.Reads, r => Assert.Empty(r));
    }

    [Fact]
    public void A_write_ordered_after_a_write_on_another_worker_makes_the_earlier_one_apply_before_its_tensors_leave()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
            Tensor add;
            using (TF.Device("/job:worker/task:0")) add = TF.AssignAdd(v, TF.Constant(2f), name: "add");
            using (TF.Device("/job:worker/task:1"))
            using (TF.ControlDependencies(add.Op)) TF.Assign(v, TF.Constant(10f), name: "assign");
        }
        var plan = Planner.Build(1, g, ["^assign"], [], Placed(g), [0, 1], Workers, Shards, requireFeeds: true);
        Assert.Null(plan.Error);
        var writer = plan.Shares.Single(s => s.Task == 0).Registration;
        Assert.Contains(writer.Stages, s => s.AppliesUpdates && s.Ops.Any(o => o.Name == "add"));
        // An Assign needs no value before it: nothing is read mid-step.
        Assert.All(plan.Shares.SelectMany(s => s.Registration.Stages), s => Assert.Null(s.LateReads));
    }

    [Fact]
    public void Two_ordered_writes_on_one_worker_ask_nothing_mid_step()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
            var assign = TF.Assign(v, TF.Constant(4f), name: "assign");
            using (TF.ControlDependencies(assign.Op)) TF.AssignAdd(v, TF.Constant(2f), name: "add");
        }
        var plan = Planner.Build(1, g, ["add:0"], [], Placed(g), [0], Workers[..1], Shards, requireFeeds: true);
        Assert.Null(plan.Error);
        var stages = plan.Shares.Single().Registration.Stages;
        Assert.All(stages, s => Assert.Null(s.LateReads));
        Assert.All(stages, s => Assert.False(s.AppliesUpdates));
    }

    [Fact]
    public void An_AssignAdd_after_another_workers_write_reads_late_only_when_its_value_is_used()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
            Tensor first;
            using (TF.Device("/job:worker/task:0")) first = TF.AssignAdd(v, TF.Constant(2f), name: "first");
            using (TF.Device("/job:worker/task:1"))
            using (TF.ControlDependencies(first.Op))
            {
                TF.AssignAdd(v, TF.Constant(10f), name: "unused");
                TF.AssignAdd(v, TF.Constant(10f), name: "used");
            }
        }
        var unused = Planner.Build(1, g, ["^unused"], [], Placed(g), [0, 1], Workers, Shards, requireFeeds: true);
        Assert.All(unused.Shares.SelectMany(s => s.Registration.Stages), s => Assert.Null(s.LateReads));
        Assert.Contains(unused.Shares.Single(s => s.Task == 0).Registration.Stages, s => s.AppliesUpdates);
        var used = Planner.Build(2, g, ["used:0"], [], Placed(g), [0, 1], Workers, Shards, requireFeeds: true);
        var late = used.Shares.Single(s => s.Task == 1).Registration.Stages.Single(s => s.LateReads is not null);
        Assert.Equal(["v"], late.LateReads!);
        Assert.Contains(late.Ops, o => o.Name == "used");
    }
}
