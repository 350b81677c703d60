using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

public class ExplainTests() : TestKit(TestConfig.Actors)
{
    [Fact]
    public void Explain_puts_every_variable_on_a_parameter_server_task_and_updates_with_their_variable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [8], initializer: TF.ZerosInitializer());
        var v = TF.GetVariable("v", [8], initializer: TF.ZerosInitializer());
        var x = TF.Placeholder(DType.Float32, [8]);
        var loss = TF.Square(w * x + v);
        var train = new MomentumOptimizer(0.1, 0.9).Minimize(loss);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = Sys });
        var plan = sess.Explain([loss, train], [x]);
        Assert.Equal("/job:ps/task:0", plan.Placement["w"]);
        Assert.Equal("/job:ps/task:1", plan.Placement["v"]);
        // A slot lives with its variable, and so does the update that writes both.
        Assert.Equal(plan.Placement["w"], plan.Placement["w/Momentum"]);
        Assert.Equal(plan.Placement["v"], plan.Placement["v/Momentum"]);
        Assert.Equal(plan.Placement["w"], plan.Placement["Momentum/update_w/ApplyMomentum"]);
        Assert.Equal(plan.Placement["v"], plan.Placement["Momentum/update_v/ApplyMomentum"]);
        Assert.All(plan.Placement.Where(p => !g.Operations.Any(o => o.Name == p.Key && o.Type is "VariableV2" or "ApplyMomentum")),
            p => Assert.StartsWith("/job:worker/task:", p.Value));
        Assert.DoesNotContain("Placeholder", plan.Operations);
    }

    [Fact]
    public void Explain_honours_device_scopes_and_shows_send_and_receive_where_partitions_meet()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor a, b, c;
        Variable v;
        using (TF.Device("/job:ps/task:1")) v = TF.GetVariable("v", [], initializer: TF.OnesInitializer());
        using (TF.Device("/job:worker/task:0")) a = TF.Constant(2f, name: "a");
        using (TF.Device("/job:worker/task:1")) b = TF.Multiply(a, v, name: "b");
        using (TF.Device("/job:worker/task:0")) c = TF.Add(b, a, name: "c");
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = Sys });
        var plan = sess.Explain([c]);
        Assert.Equal("/job:ps/task:1", plan.Placement["v"]);
        Assert.Equal("/job:worker/task:0", plan.Placement["a"]);
        Assert.Equal("/job:worker/task:1", plan.Placement["b"]);
        Assert.Equal("/job:worker/task:0", plan.Placement["c"]);
        Assert.Contains(plan.Operations, o => o.StartsWith("_Send/a_0/") && plan.Placement[o] == "/job:worker/task:0");
        Assert.Contains(plan.Operations, o => o.StartsWith("_Recv/a_0/") && plan.Placement[o] == "/job:worker/task:1");
        Assert.Contains(plan.Operations, o => o.StartsWith("_Send/b_0/") && plan.Placement[o] == "/job:worker/task:1");
        Assert.Contains(plan.Operations, o => o.StartsWith("_Recv/b_0/") && plan.Placement[o] == "/job:worker/task:0");
        Assert.All(plan.Operations.Where(o => o.StartsWith('_')), o => Assert.Matches("^_(Send|Recv|Feed)/", o));
        sess.Run(v.Initializer);
        // a goes to worker 1 and b comes back to worker 0: the stages run in turn, no deadlock.
        Assert.Equal(4f, sess.Run(c).ToScalar<float>());
    }

    [Fact]
    public void A_single_worker_plan_needs_no_send_or_receive()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var sum = TF.Constant(2) + TF.Constant(3);
        using var sess = new Session(g, new SessionOptions { ActorSystem = Sys });
        var plan = sess.Explain([sum]);
        Assert.Equal(["Const", "Const_1", "add"], plan.Operations.Order(StringComparer.Ordinal).ToArray());
        Assert.All(plan.Placement.Values, d => Assert.Equal("/job:worker/task:0", d));
        Assert.Contains("add", plan.ToString());
    }
}
