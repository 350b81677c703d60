using Xunit;

namespace ActorGraph.GraphTests.Semantics;

// Names as TensorFlow 1's ops.py gives them (NameStackTest and NameTest of ops_test.py).
public class NamingTests
{
    [Fact]
    public void Constants_are_named_Const_then_Const_1_then_Const_2()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Equal(["Const", "Const_1", "Const_2"], new[] { TF.Constant(2), TF.Constant(2), TF.Constant(3) }.Select(t => t.Op.Name));
    }

    [Fact]
    public void Sums_are_named_add_then_add_1()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        Assert.Equal("add:0", (two + three).Name);
        Assert.Equal("add_1:0", (two + three).Name);
    }

    [Fact]
    public void Placeholders_are_named_Placeholder_then_Placeholder_1()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Equal("Placeholder", TF.Placeholder(DType.Int32).Op.Name);
        Assert.Equal("Placeholder_1", TF.Placeholder(DType.Float32).Op.Name);
    }

    [Fact]
    public void Explicit_names_are_made_unique_too()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Equal("my_op", TF.Constant(1, name: "my_op").Op.Name);
        Assert.Equal("my_op_1", TF.Constant(1, name: "my_op").Op.Name);
        Assert.Equal("Const", TF.Constant(1).Op.Name);
        Assert.Equal("Const_1", TF.Constant(1, name: "Const").Op.Name);
    }

    [Fact]
    public void Names_collide_regardless_of_case_and_keep_the_case_asked_for()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Equal("foo", TF.Constant(1, name: "foo").Op.Name);
        Assert.Equal("Foo_1", TF.Constant(1, name: "Foo").Op.Name);
    }

    [Fact]
    public void Unique_names_follow_the_name_stack_as_TensorFlow_does()
    {
        var g = new Graph();
        Assert.Equal("foo", g.UniqueName("foo", markUsed: false));
        Assert.Equal("foo", g.UniqueName("foo"));
        Assert.Equal("foo_1", g.UniqueName("foo", markUsed: false));
        Assert.Equal("foo_1", g.UniqueName("foo"));
        Assert.Equal("foo_2", g.UniqueName("foo"));
        Assert.Equal("foo_1_1", g.UniqueName("foo_1"));
        Assert.Equal("foo_1_2", g.UniqueName("foo_1"));
        Assert.Equal("foo_1_2_1", g.UniqueName("foo_1_2"));
        using (g.NameScope("bar"))
        {
            Assert.Equal("bar/foo", g.UniqueName("foo"));
            Assert.Equal("bar/foo_1", g.UniqueName("foo"));
            using (g.NameScope(""))
                Assert.Equal("foo_3", g.UniqueName("foo"));
            using (g.NameScope("baz"))
                Assert.Equal("bar/baz/foo", g.UniqueName("foo"));
            using (g.NameScope("baz"))
                Assert.Equal("bar/baz_1/foo", g.UniqueName("foo"));
        }
        using (g.NameScope("bar"))
        using (g.NameScope("baz"))
            Assert.Equal("bar_1/baz/foo", g.UniqueName("foo"));
        Assert.Equal("foo_4", g.UniqueName("foo"));
        Assert.Equal("bar_2", g.UniqueName("bar"));
    }

    [Fact]
    public void A_name_taken_out_of_order_is_skipped_later()
    {
        var g = new Graph();
        Assert.Equal("foo_2", g.UniqueName("foo_2"));
        Assert.Equal("foo", g.UniqueName("foo"));
        Assert.Equal("foo_1", g.UniqueName("foo"));
        Assert.Equal("foo_3", g.UniqueName("foo"));
    }

    [Fact]
    public void Ops_inside_a_name_scope_are_named_under_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        using (TF.NameScope("scope"))
        {
            Assert.Equal("scope/add", (two + two).Op.Name);
            Assert.Equal("scope/add_1", (two + two).Op.Name);
            Assert.Equal("scope/Const", TF.Constant(1).Op.Name);
        }
        Assert.Equal("add", (two + two).Op.Name);
    }

    [Fact]
    public void Nested_name_scopes_join_with_slashes()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.NameScope("outer"))
        using (TF.NameScope("inner"))
            Assert.Equal("outer/inner/c", TF.Constant(1, name: "c").Op.Name);
    }

    [Fact]
    public void A_reopened_name_scope_becomes_scope_1()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.NameScope("scope")) TF.Constant(1);
        using (TF.NameScope("scope"))
            Assert.Equal("scope_1/Const", TF.Constant(1).Op.Name);
        using (TF.NameScope("scope"))
            Assert.Equal("scope_2/Const", TF.Constant(1).Op.Name);
    }

    [Fact]
    public void A_scope_name_with_a_trailing_slash_is_reused_as_is()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.NameScope("bar"))
        {
            TF.Constant(1);
            TF.Constant(1);
        }
        using (TF.NameScope("bar"))
            Assert.Equal("bar_1/Const", TF.Constant(1).Op.Name);
        using (TF.NameScope("bar/"))
            Assert.Equal("bar/Const_2", TF.Constant(1).Op.Name);
        using (TF.NameScope("baz"))
        using (TF.NameScope("bar/"))
            Assert.Equal("bar/Const_3", TF.Constant(1).Op.Name);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("_hidden")]
    [InlineData("-dash")]
    [InlineData("x:0")]
    public void A_scope_name_TensorFlow_would_refuse_is_refused_at_the_root(string name)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Contains($"'{name}' is not a valid scope name", Assert.Throws<ArgumentException>(() => TF.NameScope(name)).Message);
    }

    [Fact]
    public void A_nested_scope_name_may_start_with_an_underscore_or_dash()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.NameScope("outer"))
        using (TF.NameScope("_inner-"))
            Assert.Equal("outer/_inner-/Const", TF.Constant(1).Op.Name);
        using (TF.NameScope("outer"))
            Assert.Throws<ArgumentException>(() => TF.NameScope("a b"));
    }

    [Fact]
    public void A_variable_name_TensorFlow_would_refuse_is_refused()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Throws<ArgumentException>(() => TF.GetVariable("my var", []));
        Assert.Throws<ArgumentException>(() => TF.GetVariable("_v", []));
        Assert.Empty(g.Operations);
    }

    [Fact]
    public void An_empty_name_scope_returns_to_the_root()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.NameScope("foo"))
        using (TF.NameScope(""))
            Assert.Equal("e", TF.Constant(1, name: "e").Op.Name);
    }

    [Fact]
    public void An_op_name_with_a_trailing_slash_is_used_as_is()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.NameScope("baz"))
            Assert.Equal("trailing", TF.Constant(1, name: "trailing/").Op.Name);
        using (TF.NameScope("bar"))
            Assert.Equal("bar", TF.Constant(1, name: "bar/").Op.Name);
        Assert.Contains("Duplicate node name in graph: 'bar'", Assert.Throws<ArgumentException>(() => TF.Constant(1, name: "bar/")).Message);
        Assert.Equal("bar_1", TF.Constant(1, name: "bar").Op.Name);
    }

    [Fact]
    public void A_variable_takes_its_name_exactly_and_its_initializer_lives_under_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.NameScope("scope"))
        {
            var count = TF.GetVariable("count", [], initializer: TF.ConstantInitializer(0));
            Assert.Equal("count", count.Op.Name);
            Assert.Equal("VariableV2", count.Op.Type);
            Assert.Equal("count:0", count.Name);
            Assert.Equal("count/Assign", count.Initializer.Name);
            Assert.Equal("count/Initializer/Const", count.InitialValue.Op.Name);
        }
    }

    [Fact]
    public void A_train_op_is_named_after_its_optimizer_and_its_updates_live_under_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var m = TF.GetVariable("m", [], initializer: TF.ZerosInitializer());
        var x = TF.Placeholder(DType.Float32);
        var loss = TF.Square(m * x);
        var first = new GradientDescentOptimizer(0.1).Minimize(loss);
        var second = new GradientDescentOptimizer(0.1).Minimize(loss);
        Assert.Equal("GradientDescent", first.Name);
        Assert.Equal("GradientDescent_1", second.Name);
        Assert.Equal(["GradientDescent/update_m/ApplyGradientDescent"], first.ControlInputs.Select(o => o.Name));
        using (TF.NameScope("train"))
            Assert.Equal("train/GradientDescent", new GradientDescentOptimizer(0.1).Minimize(loss).Name);
    }

    [Fact]
    public void A_tensor_prints_as_TensorFlow_prints_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Equal("Tensor(\"Const:0\", shape=(), dtype=int32)", TF.Constant(2).ToString());
        Assert.Equal("Tensor(\"Const_1:0\", shape=(3,), dtype=float32)", TF.Constant(new[] { 1f, 2f, 3f }).ToString());
        Assert.Equal("Tensor(\"Placeholder:0\", shape=(?, 784), dtype=float32)", TF.Placeholder(DType.Float32, [-1, 784]).ToString());
        Assert.Equal("Tensor(\"Placeholder_1:0\", dtype=int64)", TF.Placeholder(DType.Int64).ToString());
        using (TF.Device("/job:worker/task:1"))
            Assert.Equal("Tensor(\"Const_2:0\", shape=(), dtype=float64, device=/job:worker/task:1)", TF.Constant(1.0).ToString());
    }

    [Fact]
    public void A_variable_prints_as_a_TensorFlow_1_variable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Equal("<tf.Variable 'count:0' shape=() dtype=float32_ref>", TF.GetVariable("count", []).ToString());
    }

    [Theory]
    [InlineData(new int[0], "()")]
    [InlineData(new[] { 3, 8 }, "(3, 8)")]
    [InlineData(new[] { -1, 784 }, "(?, 784)")]
    [InlineData(new[] { 3 }, "(3,)")]
    public void A_shape_prints_as_a_Python_tuple(int[] dims, string expected) => Assert.Equal(expected, new Shape(dims).ToString());

    [Fact]
    public void A_shape_of_unknown_rank_prints_as_unknown() => Assert.Equal("<unknown>", Shape.Unknown.ToString());

    [Fact]
    public void Operations_and_tensors_are_found_by_name()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var sum = TF.Constant(2) + TF.Constant(3);
        Assert.Same(sum.Op, g.GetOperation("add"));
        Assert.Same(sum, g.GetTensor("add:0"));
        Assert.Equal(["Const", "Const_1", "add"], g.Operations.Select(o => o.Name));
    }

    [Fact]
    public void Looking_up_a_missing_name_fails_with_TensorFlow_messages()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        _ = TF.Constant(2) + TF.Constant(3);
        Assert.Equal("The name 'nope' refers to an Operation not in the graph.",
            Assert.Throws<KeyError>(() => g.GetOperation("nope")).Message);
        Assert.Equal("The name 'nope:0' refers to a Tensor which does not exist. The operation, 'nope', does not exist in the graph.",
            Assert.Throws<KeyError>(() => g.GetTensor("nope:0")).Message);
        Assert.Equal("The name 'add:1' refers to a Tensor which does not exist. The operation, 'add', exists but only has 1 outputs.",
            Assert.Throws<KeyError>(() => g.GetTensor("add:1")).Message);
        Assert.Contains("The name 'add' refers to an Operation, not a Tensor.",
            Assert.Throws<ArgumentException>(() => g.GetTensor("add")).Message);
        Assert.Contains("The name 'add:0' appears to refer to a Tensor, not a Operation.",
            Assert.Throws<ArgumentException>(() => g.GetOperation("add:0")).Message);
    }

    [Fact]
    public async Task Each_async_flow_keeps_its_own_default_graph()
    {
        using var bothSet = new Barrier(2);
        Task<bool> Flow() => Task.Run(() =>
        {
            var mine = new Graph();
            using var scope = mine.AsDefault();
            bothSet.SignalAndWait();
            var c = TF.Constant(1);
            bothSet.SignalAndWait();
            return Graph.Default == mine && c.Graph == mine && mine.Operations.Count == 1;
        });
        var results = await Task.WhenAll(Flow(), Flow());
        Assert.All(results, Assert.True);
    }

    [Fact]
    public void Leaving_AsDefault_restores_the_previous_default()
    {
        var outer = new Graph();
        using var scope = outer.AsDefault();
        using (new Graph().AsDefault()) Assert.NotSame(outer, Graph.Default);
        Assert.Same(outer, Graph.Default);
    }
}
