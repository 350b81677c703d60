using ActorGraph.Training;
using Xunit;

namespace ActorGraph.Coordinator.Tests.ControlFlow;

// Reads ordered after a write that another worker makes, or that the shard applies, see it; the others are served at
// the step's start. Each case runs in local mode (system null) and in a TestKit simulation (every message serialized).
internal static class CrossWorkerInStepOrder
{
    private const string Worker0 = "/job:worker/task:0";
    private const string Worker1 = "/job:worker/task:1";

    // with tf.control_dependencies([v.initializer]): tf.identity(v), the initializer on worker 0, the read on worker 1.
    public static void A_read_on_one_worker_after_the_initializer_on_another_sees_the_initial_value(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Variable v;
        using (TF.Device(Worker0)) v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(7));
        Tensor read;
        using (TF.Device(Worker1))
        using (TF.ControlDependencies(v.Initializer)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        var other = TF.Constant(1f);
        Assert.Equal(Worker1, sess.Explain([read, other]).Placement[read.Op.Name]);
        Assert.Equal(7f, sess.Run([read, other])[0]!.ToScalar<float>());
    }

    public static void A_read_on_one_worker_after_an_AssignAdd_on_another_sees_the_sum(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        Tensor add, read;
        using (TF.Device(Worker0)) add = TF.AssignAdd(v, TF.Constant(2f));
        using (TF.Device(Worker1))
        using (TF.ControlDependencies(add.Op)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(3f, sess.Run(read).ToScalar<float>());
        Assert.Equal(5f, sess.Run(read).ToScalar<float>());
        Assert.Equal(5f, sess.Run(v).ToScalar<float>());
    }

    // The read ordered after the write sees it; a read in the same Run that nothing orders after it sees the start.
    public static void Only_reads_ordered_after_a_write_on_another_worker_see_it(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(10));
        Tensor assign, after, unordered;
        using (TF.Device(Worker0)) assign = TF.Assign(v, TF.Constant(4f));
        using (TF.Device(Worker1))
        {
            using (TF.ControlDependencies(assign.Op)) after = TF.Identity(v);
            unordered = v * 1f;
        }
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        sess.Run(TF.GlobalVariablesInitializer());
        var values = sess.Run([after, unordered]);
        Assert.Equal(4f, values[0]!.ToScalar<float>());
        Assert.Equal(10f, values[1]!.ToScalar<float>());
    }

    // An optimizer's step is applied by the shard (its worker cannot work it out): a read after it on the same
    // worker waits for the shard.
    public static void A_read_after_an_optimizer_step_on_its_own_worker_sees_the_step(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        Operation train;
        Tensor read;
        using (TF.Device(Worker1))
        {
            train = new MomentumOptimizer(0.5, 0.9).ApplyGradients([(TF.Constant(2f), v)]);
            using (TF.ControlDependencies(train)) read = TF.Identity(v);
        }
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        sess.Run(TF.GlobalVariablesInitializer());
        // accum = 0.9 * 0 + 2 = 2; v = 1 - 0.5 * 2 = 0; then accum = 0.9 * 2 + 2 = 3.8, v = 0 - 1.9 = -1.9.
        Assert.Equal(0f, sess.Run(read).ToScalar<float>());
        Assert.Equal(-1.9f, sess.Run(read).ToScalar<float>(), 5);
    }
    // AssignAdd on worker 0, then an Assign on worker 1, then a read on worker 1 in a later stage (a round trip
    // through worker 0 comes between): the shard's value after the AssignAdd does not hide the Assign not yet sent.
    public static void A_read_after_an_Assign_that_follows_an_AssignAdd_on_another_worker_sees_the_Assign(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        Tensor add, assign, back, read;
        using (TF.Device(Worker0)) add = TF.AssignAdd(v, TF.Constant(2f));
        using (TF.Device(Worker1))
        using (TF.ControlDependencies(add.Op)) assign = TF.Assign(v, TF.Constant(10f));
        using (TF.Device(Worker0))
        using (TF.ControlDependencies(assign.Op)) back = TF.Identity(TF.Constant(0f));
        using (TF.Device(Worker1))
        using (TF.ControlDependencies(add.Op, assign.Op, back.Op)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(10f, sess.Run(read).ToScalar<float>());
        Assert.Equal(10f, sess.Run(v).ToScalar<float>());
    }

    // The same order with the read on the AssignAdd's worker: the AssignAdd reaches the shard before the Assign, so
    // the Assign is the variable's value after the step too.
    public static void An_Assign_after_an_AssignAdd_on_another_worker_is_the_value_after_the_step(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        Tensor add, assign, read;
        using (TF.Device(Worker0)) add = TF.AssignAdd(v, TF.Constant(2f));
        using (TF.Device(Worker1))
        using (TF.ControlDependencies(add.Op)) assign = TF.Assign(v, TF.Constant(10f));
        using (TF.Device(Worker0))
        using (TF.ControlDependencies(add.Op, assign.Op)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        for (int run = 0; run < 3; run++)
        {
            sess.Run(TF.GlobalVariablesInitializer());
            Assert.Equal(10f, sess.Run(read).ToScalar<float>());
            Assert.Equal(10f, sess.Run(v).ToScalar<float>());
        }
    }

    // An AssignAdd ordered after another worker's AssignAdd adds to its sum: its output, a use of it, and a read
    // after it on its worker all see 1 + 2 + 10.
    public static void An_AssignAdd_after_an_AssignAdd_on_another_worker_adds_to_its_sum(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        Tensor first, second, doubled, read;
        using (TF.Device(Worker0)) first = TF.AssignAdd(v, TF.Constant(2f));
        using (TF.Device(Worker1))
        {
            using (TF.ControlDependencies(first.Op)) second = TF.AssignAdd(v, TF.Constant(10f));
            doubled = second * 2f;
            using (TF.ControlDependencies(second.Op)) read = TF.Identity(v);
        }
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        sess.Run(TF.GlobalVariablesInitializer());
        var values = sess.Run([second, doubled, read]);
        Assert.Equal(13f, values[0]!.ToScalar<float>());
        Assert.Equal(26f, values[1]!.ToScalar<float>());
        Assert.Equal(13f, values[2]!.ToScalar<float>());
        Assert.Equal(13f, sess.Run(v).ToScalar<float>());
    }
    // An AssignAdd in a loop's body on worker 0, three times; a read on worker 1 ordered after the loop sees all three.
    public static void A_read_on_one_worker_after_a_loop_of_AssignAdds_on_another_sees_every_iteration(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        Tensor[] loop;
        Tensor read;
        using (TF.Device(Worker0))
            loop = TF.WhileLoop(i => TF.Less(i[0], TF.Constant(3)), i =>
            {
                var add = TF.AssignAdd(v, TF.Constant(2f));
                using (TF.ControlDependencies(add.Op)) return [i[0] + TF.Constant(1)];
            }, [TF.Constant(0)], name: "adds");
        using (TF.Device(Worker1))
        using (TF.ControlDependencies(loop[0].Op)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(7f, sess.Run(read).ToScalar<float>());
        Assert.Equal(13f, sess.Run(read).ToScalar<float>());
        Assert.Equal(13f, sess.Run(v).ToScalar<float>());
    }

    // Worker 1 assigns 1; a loop on worker 0 ordered after it doubles v each iteration, reading in its body what the
    // iteration before assigned; worker 1 then reads 8.
    public static void A_loop_body_on_one_worker_reads_what_its_previous_iteration_assigned_after_an_Assign_on_another(Akka.Actor.ActorSystem? system)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(5));
        Tensor set, read;
        Tensor[] loop;
        using (TF.Device(Worker1)) set = TF.Assign(v, TF.Constant(1f));
        using (TF.Device(Worker0))
        using (TF.ControlDependencies(set.Op))
            loop = TF.WhileLoop(i => TF.Less(i[0], TF.Constant(3)), i =>
            {
                Tensor before;
                using (TF.ControlDependencies(i[1].Op)) before = TF.Identity(v);
                return [i[0] + TF.Constant(1), TF.Assign(v, before * 2f)];
            }, [TF.Constant(0), TF.Constant(0f)], name: "doubles");
        using (TF.Device(Worker1))
        using (TF.ControlDependencies(loop[1].Op)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2, ActorSystem = system });
        sess.Run(TF.GlobalVariablesInitializer());
        var values = sess.Run([loop[1], read]);
        Assert.Equal(8f, values[0]!.ToScalar<float>());
        Assert.Equal(8f, values[1]!.ToScalar<float>());
        Assert.Equal(8f, sess.Run(v).ToScalar<float>());
    }
}
