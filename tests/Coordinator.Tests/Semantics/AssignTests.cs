using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// tf.assign: an identity with a side effect, joined to its variable by a non-dependent edge.
public class AssignTests
{
    [Fact]
    public void Running_the_variable_does_not_run_its_assign()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", []);
        var assign = TF.Assign(count, TF.Constant(0f));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<FailedPreconditionException>(() => sess.Run(count));
        Assert.StartsWith("Attempting to use uninitialized value count", ex.Message);
        Assert.Equal(0f, sess.Run(assign).ToScalar<float>());
        Assert.Equal(0f, sess.Run(count).ToScalar<float>());
    }

    [Fact]
    public void The_variable_is_a_reference_input_of_the_assign_and_not_on_its_path()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", []);
        var zero = TF.Constant(0f);
        var assign = TF.Assign(count, zero);
        Assert.Equal(new Tensor[] { count, zero }, assign.Op.Inputs);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Equal(["Assign", "Const"], sess.Explain([assign]).Operations.Order(StringComparer.Ordinal));
        Assert.Equal(["count"], sess.Explain([count]).Operations);
    }

    [Fact]
    public void A_later_value_is_not_assigned_by_running_the_variable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.OnesInitializer());
        var assign = TF.Assign(v, TF.Constant(5f));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(1f, sess.Run(v).ToScalar<float>());
        Assert.Equal(1f, sess.Run(v * 2f).ToScalar<float>() / 2);
        Assert.Equal(5f, sess.Run(assign).ToScalar<float>());
        Assert.Equal(5f, sess.Run(v).ToScalar<float>());
    }

    [Fact]
    public void Assign_add_and_assign_sub_return_and_keep_the_new_value()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ZerosInitializer());
        var plusOne = TF.AssignAdd(v, TF.Constant(1f));
        var minusTwo = TF.AssignSub(v, TF.Constant(2f));
        var four = TF.Assign(v, TF.Constant(4f));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(0f, sess.Run(v).ToScalar<float>());
        Assert.Equal(1f, sess.Run(plusOne).ToScalar<float>());
        Assert.Equal(1f, sess.Run(v).ToScalar<float>());
        Assert.Equal(-1f, sess.Run(minusTwo).ToScalar<float>());
        Assert.Equal(-1f, sess.Run(v).ToScalar<float>());
        Assert.Equal(4f, sess.Run(four).ToScalar<float>());
        Assert.Equal(4f, sess.Run(v).ToScalar<float>());
    }

    [Fact]
    public void Integer_variables_count_up_and_down()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var n = TF.GetVariable("n", [2], DType.Int32, TF.ConstantInitializer(3));
        var up = TF.AssignAdd(n, TF.Constant(new[] { 1, 2 }));
        var down = TF.AssignSub(n, TF.Constant(new[] { 5, 5 }));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(n.Initializer);
        Assert.Equal([4, 5], sess.Run(up).ToArray<int>());
        Assert.Equal([-1, 0], sess.Run(down).ToArray<int>());
    }

    [Fact]
    public void Assign_add_of_an_uninitialized_variable_fails_as_a_read_would()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", []);
        var inc = TF.AssignAdd(v, TF.Constant(1f));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<FailedPreconditionException>(() => sess.Run(inc));
        Assert.StartsWith("Attempting to use uninitialized value v", ex.Message);
    }

    [Fact]
    public void An_assign_of_another_shape_is_refused_when_built()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [2, 3]);
        var ex = Assert.Throws<ArgumentException>(() => TF.Assign(v, TF.Constant(new[] { 1f, 2f, 3f })));
        Assert.Contains("Assign", ex.Message);
        Assert.Contains("(3,)", ex.Message);
        Assert.Contains("(2, 3)", ex.Message);
        Assert.Throws<ArgumentException>(() => TF.AssignAdd(v, TF.Constant(1f)));
    }

    [Fact]
    public void An_assign_of_another_dtype_is_refused_when_built()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", []);
        var ex = Assert.Throws<ArgumentException>(() => TF.AssignSub(v, TF.Constant(1)));
        Assert.Contains("AssignSub", ex.Message);
        Assert.Contains("int32", ex.Message);
        Assert.Contains("float32", ex.Message);
    }

    [Fact]
    public void An_assign_of_a_value_whose_shape_is_known_only_when_run_is_checked_then()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [2], initializer: TF.ZerosInitializer());
        var x = TF.Placeholder(DType.Float32);
        var assign = TF.Assign(v, x);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        Assert.Throws<InvalidArgumentException>(() => sess.Run(assign, new FeedDict { [x] = new[] { 1f, 2f, 3f } }));
        Assert.Equal([0f, 0f], sess.Run(v).ToArray<float>());
        Assert.Equal([1f, 2f], sess.Run(assign, new FeedDict { [x] = new[] { 1f, 2f } }).ToArray<float>());
    }
}
