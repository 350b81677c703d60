using Xunit;

namespace ActorGraph.Coordinator.Tests.ControlFlow;

// Reads ordered after writes in one Run see the writes, in local mode (2 workers, 2 ps) as on the executor.
public class LocalInStepOrderTests
{
    // with tf.control_dependencies([v.initializer]): tf.identity(v), fetched with something else.
    [Fact]
    public void A_read_after_the_initializer_by_a_control_dependency_sees_the_initial_value()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(7));
        Tensor read;
        using (TF.ControlDependencies(v.Initializer)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2 });
        Assert.Equal(7f, sess.Run([read, TF.Constant(1f)])[0]!.ToScalar<float>());
    }

    [Fact]
    public void A_read_after_an_AssignAdd_sees_the_sum()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(1));
        var add = TF.AssignAdd(v, TF.Constant(2f));
        Tensor read;
        using (TF.ControlDependencies(add.Op)) read = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2 });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(3f, sess.Run(read).ToScalar<float>());
        Assert.Equal(5f, sess.Run(read).ToScalar<float>());
        Assert.Equal(5f, sess.Run(v).ToScalar<float>());
    }
}
