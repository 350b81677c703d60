using ActorGraph.GraphTests.Execution;
using ActorGraph.Ops;
using ActorGraph.GraphTests.Ops;
using Xunit;

namespace ActorGraph.GraphTests.Wire;

// A graph written with WriteTo and read back with ReadFrom runs as the original: every row of the
// op table, and a training graph holding the ops the table leaves out (state, random, optimizers).
public class GraphFileRoundTripTests
{
    public static TheoryData<string> Cases() => new(OpCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_op_table_row_read_back_gives_the_same_values(string name)
    {
        var c = OpCases.Get(name);
        using var h = new OpHarness(c, DType.Float64);
        var values = h.Draw(OpHarness.Seed(name));
        var expected = h.Executor.Run(h.Output, h.Feed(values));

        var copy = RoundTrip(h.Graph);
        AssertSameStructure(h.Graph, copy);
        var feed = new FeedDict();
        for (int i = 0; i < h.Inputs.Length; i++) feed[copy.GetTensor(h.Inputs[i].Name)] = OpHarness.ToNDArray(values[i], h.Inputs[i].DType);
        var sess = new LocalExecutor(copy);
        var actual = sess.Run(copy.GetTensor(h.Output.Name), feed);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(expected.ToString(), actual.ToString());
    }

    [Fact]
    public void A_training_graph_read_back_keeps_names_devices_control_inputs_variables_and_initializers_and_trains_alike()
    {
        var g = TrainingGraph();
        var copy = RoundTrip(g);
        AssertSameStructure(g, copy);

        var variables = g.Variables;
        Assert.Equal(variables.Select(v => (v.Op.Name, v.Trainable, v.Initializer.Name, v.InitialValue.Name)),
            copy.Variables.Select(v => (v.Op.Name, v.Trainable, v.Initializer.Name, v.InitialValue.Name)));
        Assert.Equal("/job:ps/task:0", copy.GetOperation("w").Device);
        Assert.Equal(["report"], copy.GetOperation("after").ControlInputs.Select(o => o.Name));
        Assert.Equal(Train(g), Train(copy));

        // A global initializer built on the copy covers the variables it read back.
        using (copy.AsDefault())
        {
            var init = TF.GlobalVariablesInitializer();
            Assert.Equal(variables.Select(v => v.Initializer.Name).Order(), init.ControlInputs.Select(o => o.Name).Order());
        }
    }

    [Fact]
    public void The_tests_above_cover_every_registered_op_but_the_runtimes_endpoints()
    {
        var covered = OpCases.All.Select(c => c.OpType).Concat(TrainingGraph().Operations.Select(o => o.Type))
            .Concat(SparseGraphFileTests.SparseTrainingGraph().Operations.Select(o => o.Type))
            .Concat(HashTables.HashGraphFileTests.HashTrainingGraph().Operations.Select(o => o.Type))
            .Concat(Data.DatasetWireTests.RoundTrippedOpTypes)
            .Concat(ControlFlow.ControlFlowTests.LoopAndCondGraph().Operations.Select(o => o.Type)).ToHashSet();
        var missing = OpRegistry.All.Select(d => d.Type).Where(t => !t.StartsWith('_') && !covered.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"Op types no round-trip test writes and reads: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Ops_added_to_a_graph_read_back_get_fresh_unique_names()
    {
        var g = new Graph();
        using (g.AsDefault()) _ = TF.Constant(1) + TF.Constant(2);
        var copy = RoundTrip(g);
        using (copy.AsDefault()) Assert.Equal("add_1", (TF.Constant(3) + 1).Op.Name);
    }

    [Fact]
    public void A_graph_written_to_a_path_reads_back_from_it()
    {
        var g = TrainingGraph();
        var path = Path.Combine(Path.GetTempPath(), $"actorgraph-{Guid.NewGuid():N}.graph");
        try
        {
            g.WriteTo(path);
            Assert.False(File.Exists(path + ".partial"));
            AssertSameStructure(g, Graph.ReadFrom(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Variables of every initializer, the three optimizers, Assign/AssignAdd/AssignSub, a Print,
    // a control dependency and device scopes.
    internal static Graph TrainingGraph()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 3], name: "x");
        var y = TF.Placeholder(DType.Float32, [-1, 2], name: "y");
        Variable w;
        using (TF.Device("/job:ps/task:0")) w = TF.GetVariable("w", [3, 2], initializer: TF.GlorotUniformInitializer(seed: 1));
        var b = TF.GetVariable("b", [2], initializer: TF.ZerosInitializer());
        var u = TF.GetVariable("u", [2], initializer: TF.RandomUniformInitializer(-1, 1, seed: 2));
        var n = TF.GetVariable("n", [2], initializer: TF.RandomNormalInitializer(seed: 3));
        var steps = TF.GetVariable("steps", [], DType.Int32, TF.ConstantInitializer(0), trainable: false);
        Tensor logits;
        using (TF.NameScope("model"))
        using (TF.Device("/job:worker/task:0"))
            logits = TF.MatMul(x, w) + b + u * n;
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(y, logits), name: "loss");
        var report = TF.Print(loss, [steps], "step ", name: "report");
        using (TF.ControlDependencies(report.Op)) TF.NoOp(name: "after");
        TF.Summary.Scalar("loss_summary", loss);
        TF.Summary.Histogram("w_summary", w);
        TF.Summary.MergeAll();
        var train = TF.Group(
            new GradientDescentOptimizer(0.1).Minimize(loss, [w]),
            new MomentumOptimizer(0.1, 0.9).Minimize(loss, [b]),
            new AdamOptimizer(0.01).Minimize(loss, [u, n]),
            TF.AssignAdd(steps, TF.Constant(1)).Op,
            TF.AssignSub(steps, TF.Constant(0)).Op,
            TF.Assign(steps, steps).Op);
        // After the optimizers, so it covers their slots too.
        _ = (TF.GlobalVariablesInitializer(), train);
        return g;
    }

    // Three steps on fixed data; the values of every variable and the loss, as text.
    private static string[] Train(Graph g)
    {
        var sess = new LocalExecutor(g);
        sess.Run(g.GetOperation("init"));
        var feed = new FeedDict
        {
            [g.GetTensor("x:0")] = new float[,] { { 1, 2, 3 }, { -1, 0, 2 } },
            [g.GetTensor("y:0")] = new float[,] { { 1, 0 }, { 0, 1 } },
        };
        var train = g.Operations.Last(o => o.Type == "NoOp" && o.Name.StartsWith("group_deps"));
        for (int i = 0; i < 3; i++) sess.Run([train, g.GetOperation("after")], feed);
        return sess.Run([.. g.Variables.Select(v => (Fetch)v), g.GetTensor("loss:0"), g.GetTensor("Merge/MergeSummary:0")], feed).Select(v => v!.ToString()).ToArray();
    }

    internal static Graph RoundTrip(Graph g)
    {
        using var stream = new MemoryStream();
        g.WriteTo(stream);
        stream.Position = 0;
        return Graph.ReadFrom(stream, "test.graph");
    }

    private static void AssertSameStructure(Graph g, Graph copy)
    {
        Assert.Equal(g.Operations.Select(o => o.Name), copy.Operations.Select(o => o.Name));
        foreach (var (a, b) in g.Operations.Zip(copy.Operations))
        {
            Assert.Equal(a.Type, b.Type);
            Assert.Equal(a.Device, b.Device);
            Assert.Equal(a.Inputs.Select(t => t.Name), b.Inputs.Select(t => t.Name));
            Assert.Equal(a.ControlInputs.Select(o => o.Name), b.ControlInputs.Select(o => o.Name));
            Assert.Equal(a.Outputs.Select(t => (t.DType, t.Shape)), b.Outputs.Select(t => (t.DType, t.Shape)));
        }
    }
}
