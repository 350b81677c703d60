using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.ControlFlow;

// Reads ordered after writes in one Run see the writes (TensorFlow 1's ref-variable semantics).
public class InStepOrderTests
{
    // variables_test.py testInitializerFunction's pattern: with tf.control_dependencies([v.initializer]): tf.identity(v).
    [Fact]
    public void A_read_after_the_initializer_by_a_control_dependency_sees_the_initial_value()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", Shape.Scalar, initializer: TF.ConstantInitializer(7));
        Tensor read;
        using (TF.ControlDependencies(v.Initializer)) read = TF.Identity(v);
        var other = TF.Constant(1f);
        var values = new LocalExecutor(g).Run([read, other]);
        Assert.Equal(7f, values[0]!.ToScalar<float>());
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
        var run = new LocalExecutor(g);
        run.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(3f, run.Run(read).ToScalar<float>());
        Assert.Equal(5f, run.Run(read).ToScalar<float>());
    }
}
