using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Semantics;

// TensorFlow 1's variable_scope (variable_scope_test.py): names, reuse, the scope's initializer.
public class VariableScopeTests
{
    private static Graph NewGraph(out IDisposable scope)
    {
        var g = new Graph();
        scope = g.AsDefault();
        return g;
    }

    private static NDArray RunInitialized(Graph g, Tensor fetch)
    {
        var executor = new Executor(g);
        var step = new StepContext(new LocalVariableStore(), TextWriter.Null);
        executor.Run([TF.GlobalVariablesInitializer()], null, step);
        return executor.Run([fetch], null, step)[0]!;
    }

    [Fact]
    public void Variables_inside_nested_scopes_are_named_by_the_scopes_joined_with_slashes()
    {
        NewGraph(out var s);
        using (s)
        using (TF.VariableScope("outer"))
        {
            Assert.Equal("outer/w", TF.GetVariable("w", [2]).Op.Name);
            using (TF.VariableScope("inner"))
                Assert.Equal("outer/inner/w:0", TF.GetVariable("w", [2]).Name);
        }
    }

    [Fact]
    public void A_reentered_scope_names_its_ops_scope_1_but_its_variables_scope()
    {
        NewGraph(out var s);
        using (s)
        {
            Tensor first, second;
            using (TF.VariableScope("layer"))
                first = TF.GetVariable("w", [2]) * 2f;
            using (TF.VariableScope("layer", VariableReuse.Reuse))
            {
                var w = TF.GetVariable("w", [2]);
                Assert.Equal("layer/w", w.Op.Name);
                second = w * 2f;
            }
            Assert.Equal("layer/mul:0", first.Name);
            Assert.Equal("layer_1/mul:0", second.Name);
        }
    }

    [Fact]
    public void Reuse_returns_the_same_variable_object()
    {
        NewGraph(out var s);
        using (s)
        {
            Variable a, b;
            using (TF.VariableScope("scope")) a = TF.GetVariable("w", [2, 4]);
            using (TF.VariableScope("scope", VariableReuse.Reuse)) b = TF.GetVariable("w", [2, 4]);
            Assert.Same(a, b);
        }
    }

    [Fact]
    public void Reuse_of_a_variable_that_does_not_exist_throws_TensorFlows_text()
    {
        NewGraph(out var s);
        using (s)
        using (TF.VariableScope("scope", VariableReuse.Reuse))
        {
            var ex = Assert.Throws<ArgumentException>(() => TF.GetVariable("w", [2]));
            Assert.Contains("Variable scope/w does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?", ex.Message);
        }
    }

    [Fact]
    public void A_second_GetVariable_without_reuse_throws_TensorFlows_text()
    {
        NewGraph(out var s);
        using (s)
        using (TF.VariableScope("scope"))
        {
            TF.GetVariable("w", [2]);
            var ex = Assert.Throws<ArgumentException>(() => TF.GetVariable("w", [2]));
            Assert.Contains("Variable scope/w already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?", ex.Message);
        }
    }

    [Fact]
    public void AutoReuse_creates_then_reuses()
    {
        NewGraph(out var s);
        using (s)
        {
            Variable a, b;
            using (TF.VariableScope("scope", VariableReuse.AutoReuse)) a = TF.GetVariable("w", [3]);
            using (TF.VariableScope("scope", VariableReuse.AutoReuse)) b = TF.GetVariable("w", [3]);
            Assert.Same(a, b);
        }
    }

    [Fact]
    public void Sharing_a_variable_with_another_shape_throws_TensorFlows_text()
    {
        NewGraph(out var s);
        using (s)
        {
            using (TF.VariableScope("scope")) TF.GetVariable("w", [2, 4]);
            using (TF.VariableScope("scope", VariableReuse.Reuse))
            {
                var ex = Assert.Throws<ArgumentException>(() => TF.GetVariable("w", [3, 4]));
                Assert.Contains("Trying to share variable scope/w, but specified shape (3, 4) and found shape (2, 4).", ex.Message);
            }
        }
    }

    [Fact]
    public void A_nested_scope_inherits_reuse_and_may_not_switch_it_off_by_inheriting()
    {
        NewGraph(out var s);
        using (s)
        {
            Variable a;
            using (TF.VariableScope("outer"))
            using (TF.VariableScope("inner"))
                a = TF.GetVariable("w", [1]);
            using (TF.VariableScope("outer", VariableReuse.Reuse))
            using (TF.VariableScope("inner"))
                Assert.Same(a, TF.GetVariable("w", [1]));
        }
    }

    [Fact]
    public void A_scopes_initializer_is_the_default_of_the_variables_inside_and_an_explicit_one_wins()
    {
        var g = NewGraph(out var s);
        using (s)
        {
            Variable byScope, nested, explicitOne;
            using (TF.VariableScope("scope", initializer: TF.ConstantInitializer(3)))
            {
                byScope = TF.GetVariable("a", [2]);
                using (TF.VariableScope("nested")) nested = TF.GetVariable("b", []);
                explicitOne = TF.GetVariable("c", [], initializer: TF.OnesInitializer());
            }
            Assert.Equal([3f, 3f], RunInitialized(g, byScope).ToArray<float>());
            Assert.Equal(3f, RunInitialized(g, nested).ToScalar<float>());
            Assert.Equal(1f, RunInitialized(g, explicitOne).ToScalar<float>());
        }
    }

    [Fact]
    public void Name_scopes_name_ops_but_not_variables()
    {
        NewGraph(out var s);
        using (s)
        using (TF.NameScope("ns"))
        using (TF.VariableScope("vs"))
        {
            var w = TF.GetVariable("w", [1]);
            Assert.Equal("vs/w", w.Op.Name);
            Assert.Equal("ns/vs/add:0", (w + 1f).Name);
        }
    }

    [Fact]
    public void Integer_variables_default_to_zeros()
    {
        var g = NewGraph(out var s);
        using (s)
        {
            var counter = TF.GetVariable("counter", [3], DType.Int32);
            Assert.Equal([0, 0, 0], RunInitialized(g, counter).ToArray<int>());
        }
    }

    [Fact]
    public void An_invalid_scope_name_is_refused_with_the_rule()
    {
        NewGraph(out var s);
        using (s)
        {
            var ex = Assert.Throws<ArgumentException>(() => TF.VariableScope("a b"));
            Assert.Contains("not a valid variable scope name", ex.Message);
        }
    }
}
