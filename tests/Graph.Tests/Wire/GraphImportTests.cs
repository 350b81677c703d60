using ActorGraph.Wire;
using MessagePack;
using MessagePack.Resolvers;
using Xunit;

namespace ActorGraph.GraphTests.Wire;

public class GraphImportTests
{
    private static readonly MessagePackSerializerOptions Options =
        MessagePackSerializerOptions.Standard.WithResolver(StandardResolver.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    [Fact]
    public void A_graph_sent_as_definitions_is_rebuilt_with_the_same_names_types_inputs_devices_and_attributes()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            var v = TF.GetVariable("v", [2], initializer: TF.RandomUniformInitializer(seed: 5));
            Tensor p;
            using (TF.Device("/job:worker/task:1")) p = TF.Placeholder(DType.Float32, [-1], name: "p");
            var sum = TF.Print(v * p, [p], message: "here");
            using (TF.ControlDependencies(sum.Op)) TF.NoOp(name: "after");
            new MomentumOptimizer(0.1, 0.9).Minimize(TF.Square(sum));
        }
        var defs = g.ExportSince(0).ToArray();
        var bytes = MessagePackSerializer.Serialize(defs, Options);
        var copy = Graph.FromDefs(MessagePackSerializer.Deserialize<OperationDef[]>(bytes, Options));

        Assert.Equal(g.Operations.Select(o => o.Name), copy.Operations.Select(o => o.Name));
        foreach (var (a, b) in g.Operations.Zip(copy.Operations))
        {
            Assert.Equal(a.Type, b.Type);
            Assert.Equal(a.Device, b.Device);
            Assert.Equal(a.Inputs.Select(t => t.Name), b.Inputs.Select(t => t.Name));
            Assert.Equal(a.ControlInputs.Select(o => o.Name), b.ControlInputs.Select(o => o.Name));
            Assert.Equal(a.Outputs.Select(t => (t.DType, t.Shape)), b.Outputs.Select(t => (t.DType, t.Shape)));
            Assert.Equal(a.Attrs.Keys.Order(), b.Attrs.Keys.Order());
            foreach (var (key, value) in a.Attrs)
                Assert.Equal(value is NDArray n ? n.ToString() : value, b.Attrs[key] is NDArray m ? m.ToString() : b.Attrs[key]);
        }
        Assert.IsType<int>(copy.GetOperation("v/Initializer/RandomUniform").Attrs["seed"]);
        Assert.Equal(Shape.Unknown, AttrDef.Of("s", Shape.Unknown).ToValue());
    }

    [Fact]
    public void An_extend_adds_only_the_new_operations_to_a_copy()
    {
        var g = new Graph();
        var copy = new Graph();
        using (g.AsDefault()) TF.Constant(1);
        copy.Import(g.ExportSince(0));
        int version = g.Version;
        using (g.AsDefault()) _ = g.GetTensor("Const:0") + 2;
        copy.Import(g.ExportSince(version));
        Assert.Equal(["Const", "Const_1", "add"], copy.Operations.Select(o => o.Name));
    }

    [Fact]
    public void An_attribute_that_cannot_travel_is_refused_naming_it() =>
        Assert.Contains("'bad'", Assert.Throws<ArgumentException>(() => AttrDef.Of("bad", new object())).Message);
}
