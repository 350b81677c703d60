using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// ControlDependenciesTest of TensorFlow's ops_test.py, and testControlDepsNone of variables_test.py.
public class ControlDependencyTests
{
    [Fact]
    public void Ops_inside_get_the_control_inputs_unless_an_input_was_made_inside_too()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.Constant(1f);
        var b = TF.Constant(2f);
        Tensor c, d, e;
        using (TF.ControlDependencies(a.Op))
        {
            c = TF.Constant(3f);
            d = TF.Identity(b);
            e = TF.Identity(c);
        }
        Assert.Equal([a.Op], c.Op.ControlInputs);
        Assert.Equal([a.Op], d.Op.ControlInputs);
        // e is dominated by c, which already waits for a.
        Assert.Empty(e.Op.ControlInputs);
    }

    [Fact]
    public void An_op_with_a_data_input_from_the_dependency_gets_no_control_input_on_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.Constant(1f);
        using (TF.ControlDependencies(a.Op))
            Assert.Empty(TF.Identity(a).Op.ControlInputs);
    }

    [Fact]
    public void Nested_scopes_accumulate_their_control_inputs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = Enumerable.Range(0, 4).Select(i => TF.Constant((float)i)).ToArray();
        Tensor b1, b2;
        using (TF.ControlDependencies(a[0].Op, a[1].Op, a[2].Op, a[3].Op)) b1 = TF.Constant(0f);
        using (TF.ControlDependencies(a[0].Op))
        using (TF.ControlDependencies(a[1].Op))
        using (TF.ControlDependencies(a[2].Op))
        using (TF.ControlDependencies(a[3].Op))
            b2 = TF.Constant(0f);
        Assert.Equal(a.Select(t => t.Op).ToHashSet(), b1.Op.ControlInputs.ToHashSet());
        Assert.Equal(b1.Op.ControlInputs.ToHashSet(), b2.Op.ControlInputs.ToHashSet());
    }

    [Fact]
    public void A_repeated_dependency_is_recorded_once()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.Constant(1f);
        using (TF.ControlDependencies(a.Op))
        using (TF.ControlDependencies(a.Op))
            Assert.Equal([a.Op], TF.Constant(2f).Op.ControlInputs);
    }

    [Fact]
    public void Complex_nesting_matches_TensorFlow()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor a1 = TF.Constant(1f), a2 = TF.Constant(2f), a3 = TF.Constant(3f), a4 = TF.Constant(4f);
        Tensor b1, c1, d1, e1, b2, c2, d2, e2, b3, c3, d3, e3, b4, c4, d4, e4;
        using (TF.ControlDependencies(a1.Op))
        {
            b1 = a3 * a4; c1 = a1 * b1; d1 = b1 * c1; e1 = TF.Constant(5f);
            using (TF.ControlDependencies(a2.Op))
            {
                b2 = a3 * a4; c2 = a1 * b1; d2 = b2 * c2; e2 = e1 * e1;
                using (TF.ControlDependencies(a3.Op))
                {
                    b3 = a3 * a4; c3 = a1 * b1; d3 = b3 * c3; e3 = e2 * e2;
                    using (TF.ControlDependencies(a4.Op))
                    {
                        b4 = a3 * a4; c4 = a1 * b1; d4 = b4 * c4; e4 = e3 * e3;
                    }
                }
            }
        }
        static HashSet<Operation> Set(params Tensor[] ts) => ts.Select(t => t.Op).ToHashSet();
        static HashSet<Operation> Controls(Tensor t) => t.Op.ControlInputs.ToHashSet();
        Assert.Equal(Set(a1), Controls(b1));
        Assert.Equal(Set(a1, a2), Controls(b2));
        Assert.Equal(Set(a1, a2), Controls(b3));
        Assert.Equal(Set(a1, a2), Controls(b4));
        Assert.Equal(Set(), Controls(c1));
        Assert.Equal(Set(a2), Controls(c2));
        Assert.Equal(Set(a2, a3), Controls(c3));
        Assert.Equal(Set(a2, a3, a4), Controls(c4));
        Assert.All(new[] { d1, d2, d3, d4 }, d => Assert.Empty(d.Op.ControlInputs));
        Assert.Equal(Set(a1), Controls(e1));
        Assert.Equal(Set(a2), Controls(e2));
        Assert.Equal(Set(a3), Controls(e3));
        Assert.Equal(Set(a4), Controls(e4));
    }

    [Fact]
    public void Variables_and_their_initializers_ignore_an_enclosing_scope()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var c = TF.Constant(1f);
        Tensor d;
        Variable v;
        using (TF.ControlDependencies(c.Op))
        {
            d = TF.Constant(2f);
            v = TF.GetVariable("x", [], initializer: TF.ConstantInitializer(2));
        }
        Assert.Equal([c.Op], d.Op.ControlInputs);
        Assert.Empty(v.Op.ControlInputs);
        Assert.Empty(v.Initializer.ControlInputs);
        Assert.Empty(v.InitialValue.Op.ControlInputs);
    }

    [Fact]
    public void Ops_after_a_variable_inside_the_scope_still_get_the_control_inputs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var c = TF.Constant(1f);
        using (TF.ControlDependencies(c.Op))
        {
            var v = TF.GetVariable("x", []);
            Assert.Equal([c.Op], TF.Identity(v).Op.ControlInputs);
        }
    }

    [Fact]
    public void Group_is_a_NoOp_whose_control_inputs_are_its_members()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.NoOp();
        var b = TF.NoOp();
        var group = TF.Group(a, b);
        Assert.Equal(["NoOp", "NoOp_1", "group_deps"], new[] { a, b, group }.Select(o => o.Name));
        Assert.Equal("NoOp", group.Type);
        Assert.Empty(group.Outputs);
        Assert.Equal([a, b], group.ControlInputs);
    }

    [Fact]
    public void Running_a_group_runs_its_members()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ZerosInitializer());
        var w = TF.GetVariable("w", [], initializer: TF.ZerosInitializer());
        var both = TF.Group(TF.Assign(v, TF.Constant(1f)).Op, TF.Assign(w, TF.Constant(2f)).Op);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Equal([null], sess.Run([both]));
        var values = sess.Run([v, w]);
        Assert.Equal(1f, values[0]!.ToScalar<float>());
        Assert.Equal(2f, values[1]!.ToScalar<float>());
    }

    [Fact]
    public void Running_an_op_runs_its_control_inputs_first()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ZerosInitializer());
        var assign = TF.Assign(v, TF.Constant(7f));
        var writer = new StringWriter();
        Tensor after;
        using (TF.ControlDependencies(assign.Op)) after = TF.Print(TF.Constant(1f), [], "ran");
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        sess.Run(v.Initializer);
        Assert.Equal(1f, sess.Run(after).ToScalar<float>());
        Assert.Equal(7f, sess.Run(v).ToScalar<float>());
        Assert.Equal("ran" + Environment.NewLine, writer.ToString());
    }
}
