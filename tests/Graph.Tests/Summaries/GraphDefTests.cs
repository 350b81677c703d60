using ActorGraph.Summaries;
using ActorGraph.Summaries.Proto;
using Xunit;

namespace ActorGraph.GraphTests.Summaries;

public class GraphDefTests
{
    private static Graph Build()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 2], "x");
        using (TF.VariableScope("layer"))
        {
            var w = TF.GetVariable("w", [2, 2]);
            var y = TF.MatMul(x, w);
            var parts = TF.Unstack(y, axis: 1);
            using (TF.ControlDependencies(y.Op))
            using (TF.Device("/job:worker/task:1"))
                TF.Identity(parts[1], "second");
        }
        return g;
    }

    [Fact]
    public void Nodes_and_inputs_match_the_graphs_operations()
    {
        var g = Build();
        var def = GraphDef.Parser.ParseFrom(GraphDefs.Serialize(g));
        Assert.Equal(g.Operations.Count, def.Node.Count);
        foreach (var (op, node) in g.Operations.Zip(def.Node))
        {
            Assert.Equal(op.Name, node.Name);
            Assert.Equal(op.Type, node.Op);
            Assert.Equal(op.Device, node.Device);
            var expected = op.Inputs.Select(t => t.ValueIndex == 0 ? t.Op.Name : t.Name).Concat(op.ControlInputs.Select(c => "^" + c.Name));
            Assert.Equal(expected, node.Input);
            Assert.Equal(op.Outputs.Count, node.Attr.TryGetValue("_output_shapes", out var shapes) ? shapes.List.Shape.Count : 0);
        }
    }

    [Fact]
    public void Name_scopes_control_inputs_second_outputs_and_devices_are_as_TensorFlow_writes_them()
    {
        var def = GraphDef.Parser.ParseFrom(GraphDefs.Serialize(Build()));
        var second = def.Node.Single(n => n.Name == "layer/second");
        Assert.Equal(["layer/unstack:1", "^layer/MatMul"], second.Input);
        Assert.Equal("/job:worker/task:1", second.Device);
        var x = def.Node.Single(n => n.Name == "x");
        Assert.Equal(DataType.DtFloat, x.Attr["dtype"].Type);
        Assert.Equal([-1L, 2L], x.Attr["shape"].Shape.Dim.Select(d => d.Size));
        Assert.Contains(def.Node, n => n.Name == "layer/w" && n.Op == "VariableV2");
        Assert.True(def.Versions.Producer > 0);
    }
}
