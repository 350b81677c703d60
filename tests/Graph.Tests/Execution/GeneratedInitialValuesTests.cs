using ActorGraph.Execution;
using ActorGraph.Wire;
using Xunit;

namespace ActorGraph.GraphTests.Execution;

public class GeneratedInitialValuesTests
{
    private static (Graph Graph, Variable Normal, Variable Zeros, Variable Small) Tables()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var normal = TF.GetVariable("normal", [300, 4], initializer: TF.RandomNormalInitializer(0, 0.5, seed: 3));
        var zeros = TF.GetVariable("zeros", [2000], initializer: TF.ZerosInitializer());
        var small = TF.GetVariable("small", [3], initializer: TF.OnesInitializer());
        TF.GlobalVariablesInitializer();
        return (g, normal, zeros, small);
    }

    [Fact]
    public void An_assign_of_a_random_or_filled_value_folds_into_one_op_that_carries_the_generator()
    {
        var (g, normal, zeros, small) = Tables();
        var folded = GeneratedInitialValues.Fold(g.ExportSince(0).ToArray(), new HashSet<string>());
        var byName = folded.ToDictionary(o => o.Name);

        Assert.Equal(GeneratedInitialValues.AssignType, byName[normal.Initializer.Name].Type);
        Assert.Equal(GeneratedInitialValues.AssignType, byName[zeros.Initializer.Name].Type);
        Assert.DoesNotContain(normal.InitialValue.Op.Name, byName.Keys);
        Assert.DoesNotContain(zeros.InitialValue.Op.Name, byName.Keys);
        // A small constant stays a constant, its Assign as it was.
        Assert.Equal("Assign", byName[small.Initializer.Name].Type);
        Assert.Equal("Const", byName[small.InitialValue.Op.Name].Type);
        // The folded graph rebuilds, and its init still names every initializer.
        var rebuilt = Graph.FromDefs(folded);
        Assert.Equal(3, rebuilt.GetOperation("init").ControlInputArray.Length);
    }

    [Fact]
    public void The_value_drawn_from_the_carried_generator_is_the_one_the_graph_would_draw()
    {
        var (g, normal, zeros, _) = Tables();
        var expected = new LocalExecutor(g).Run(normal.InitialValue).ToArray<float>();
        var rebuilt = Graph.FromDefs(GeneratedInitialValues.Fold(g.ExportSince(0).ToArray(), new HashSet<string>()));

        var drawn = GeneratedInitialValues.Generate(GeneratedInitialValues.GeneratorOf(rebuilt.GetOperation(normal.Initializer.Name)));
        Assert.Equal(expected, drawn.ToArray<float>());
        var filled = GeneratedInitialValues.Generate(GeneratedInitialValues.GeneratorOf(rebuilt.GetOperation(zeros.Initializer.Name)));
        Assert.Equal(new float[2000], filled.ToArray<float>());
    }

    [Fact]
    public void Running_the_folded_initializer_initializes_the_variable_with_the_drawn_value()
    {
        var (g, normal, _, _) = Tables();
        var expected = new LocalExecutor(g).Run(normal.InitialValue).ToArray<float>();
        var rebuilt = Graph.FromDefs(GeneratedInitialValues.Fold(g.ExportSince(0).ToArray(), new HashSet<string>()));
        var run = new LocalExecutor(rebuilt);

        run.Run(rebuilt.GetOperation("init"));
        Assert.Equal(expected, run.Run(rebuilt.GetTensor(normal.Name)).ToArray<float>());
    }

    [Fact]
    public void A_generator_whose_value_is_used_elsewhere_fetched_or_sent_is_not_folded()
    {
        var g = new Graph();
        Variable a, b, c;
        Tensor value;
        using (g.AsDefault())
        {
            a = TF.GetVariable("a", [2000], initializer: TF.RandomUniformInitializer(seed: 1));
            b = TF.GetVariable("b", [2000], initializer: TF.RandomUniformInitializer(seed: 2));
            c = TF.GetVariable("c", [2000], initializer: TF.RandomUniformInitializer(seed: 3));
            // a's initial value feeds another op too; c's Assign output is used.
            value = a.InitialValue * 2f;
            _ = c.Initializer.Outputs[0] + 1f;
        }
        var ops = g.ExportSince(0).ToArray();
        var folded = GeneratedInitialValues.Fold(ops, new HashSet<string> { b.InitialValue.Name }).ToDictionary(o => o.Name);

        Assert.Equal("Assign", folded[a.Initializer.Name].Type);
        Assert.Equal("Assign", folded[b.Initializer.Name].Type);
        Assert.Equal("Assign", folded[c.Initializer.Name].Type);
        Assert.Equal(ops.Length, folded.Count);
    }

    [Fact]
    public void Only_a_generator_without_inputs_draws_a_value()
    {
        var notGenerator = new OperationDef("x", "Square", ["y:0"], [], "", []);
        var ex = Assert.Throws<InvalidArgumentException>(() => GeneratedInitialValues.Generate(notGenerator));
        Assert.Contains("Square", ex.Message);
        Assert.Contains("RandomUniform", ex.Message);
    }
}
