using System.Diagnostics;
using Xunit;

namespace ActorGraph.GraphTests.Execution;

// Graph.ToDot draws the seed's figures: ops as boxes, the path of a fetch highlighted.
public class DotWriterTests
{
    private static string Node(string dot, string name) =>
        dot.Split('\n').Single(l => l.StartsWith($"  \"{name}\" [", StringComparison.Ordinal));

    private static string Edge(string dot, string from, string to) =>
        dot.Split('\n').First(l => l.StartsWith($"  \"{from}\" -> \"{to}\" [", StringComparison.Ordinal));

    [Fact]
    public void The_whole_graph_has_one_node_per_op_and_an_edge_per_input()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var sum = TF.Constant(2) + TF.Constant(3);
        var dot = g.ToDot();
        Assert.StartsWith("digraph G {", dot);
        Assert.Contains("label=\"add\\nAdd\"", Node(dot, "add"));
        Assert.Contains("label=\"Const_1\\nConst\"", Node(dot, "Const_1"));
        Assert.Contains("label=\"int32 ()\"", Edge(dot, "Const", "add"));
        Assert.Contains("\"Const_1\" -> \"add\"", dot);
        Assert.Equal(3, dot.Split('\n').Count(l => l.Contains(" [label=") && !l.Contains(" -> ")));
        Assert.Equal(2, dot.Split('\n').Count(l => l.Contains(" -> ")));
        Assert.DoesNotContain("gray", dot);
        Assert.DoesNotContain("penwidth", dot);
        Assert.Equal(sum.Op, g.GetOperation("add"));
    }

    [Fact]
    public void The_assign_edge_from_its_variable_is_dashed_and_never_on_a_path()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", []);
        var assign = TF.Assign(count, TF.Constant(0f));
        var dot = g.ToDot([assign]);
        var refEdge = Edge(dot, "count", "Assign");
        Assert.Contains("style=dashed", refEdge);
        Assert.Contains("dir=none", refEdge);
        Assert.Contains("gray", refEdge);
        Assert.Contains("penwidth=2", Edge(dot, "Const", "Assign"));
        Assert.Contains("penwidth=2", Node(dot, "Const"));
        Assert.Contains("gray", Node(dot, "count"));
        Assert.Contains("shape=cylinder", Node(dot, "count"));
        var assignNode = Node(dot, "Assign");
        Assert.Contains("fillcolor=\"#93c47d\"", assignNode);
        Assert.Contains("penwidth=2", assignNode);
        Assert.Contains("peripheries=2", assignNode);
    }

    [Fact]
    public void A_print_off_the_path_is_marked_but_greyed()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        var printSum = TF.Print(sum, [two, three]);
        _ = TF.Print(two, [two, three, sum]);
        var offPath = g.ToDot([sum]);
        Assert.Contains("fillcolor=\"#e2f0d9\"", Node(offPath, "Print_1"));
        Assert.Contains("gray", Node(offPath, "Print_1"));
        Assert.Contains("gray", Node(offPath, "Print"));
        Assert.Contains("penwidth=2", Node(offPath, "add"));
        Assert.Contains("gray", Edge(offPath, "add", "Print"));
        var onPath = g.ToDot([printSum]);
        Assert.Contains("fillcolor=\"#93c47d\"", Node(onPath, "Print"));
        Assert.Contains("penwidth=2", Edge(onPath, "add", "Print"));
        Assert.Contains("gray", Node(onPath, "Print_1"));
    }

    [Fact]
    public void Control_inputs_are_dashed_edges_and_lead_the_path_to_initializers()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        var dot = g.ToDot([init]);
        var control = Edge(dot, "count/Assign", "init");
        Assert.Contains("style=dashed", control);
        Assert.Contains("penwidth=2", control);
        Assert.Contains("penwidth=2", Node(dot, "count/Initializer/Const"));
        Assert.Contains("gray", Node(dot, "count"));
        Assert.Contains("gray", Node(g.ToDot([count]), "init"));
    }

    [Fact]
    public void The_path_stops_at_fed_tensors()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var input = TF.Placeholder(DType.Int32);
        var three = TF.Constant(3);
        var sum = input + three;
        var dot = g.ToDot([sum], [input]);
        var placeholder = Node(dot, "Placeholder");
        Assert.Contains("\\nfed\"", placeholder);
        Assert.Contains("gray", placeholder);
        Assert.Contains("label=\"fed int32 <unknown>\"", Edge(dot, "Placeholder", "add"));
        Assert.Contains("penwidth=2", Node(dot, "Const"));
        Assert.Contains("gray", Node(g.ToDot([three]), "Placeholder"));
    }

    [Fact]
    public void Names_are_escaped_for_DOT()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        _ = TF.Identity(TF.Constant(1, name: "say \"hi\"\\now"));
        var dot = g.ToDot();
        Assert.Contains("  \"say \\\"hi\\\"\\\\now\" [label=\"say \\\"hi\\\"\\\\now\\nConst\"", dot);
        Assert.Contains("\"say \\\"hi\\\"\\\\now\" -> \"Identity\"", dot);
    }

    [Fact]
    public void Fetches_from_another_graph_are_refused()
    {
        var other = new Graph();
        Tensor foreign;
        using (other.AsDefault()) foreign = TF.Constant(1);
        var g = new Graph();
        Assert.Throws<ArgumentException>(() => g.ToDot([foreign]));
    }

    [Fact]
    public void The_seed_graphs_render_to_svg_when_graphviz_is_installed()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var loss = TF.Square(y - (m * x + b));
        var trainOp = new GradientDescentOptimizer(1e-3).Minimize(loss);
        _ = TF.Print(loss, [m, b], "m, b: ");
        _ = TF.Constant(1, name: "odd \"name\"");
        foreach (var dot in new[] { g.ToDot(), g.ToDot([loss, trainOp], [x, y]), g.ToDot([init]) })
        {
            var svg = RenderSvg(dot);
            if (svg is null) return;
            Assert.Contains("<svg", svg);
            Assert.Contains("ApplyGradientDescent", svg);
        }
    }

    // Null when Graphviz's dot is not installed.
    private static string? RenderSvg(string dot)
    {
        var exe = new[] { "/usr/bin/dot", "/usr/local/bin/dot" }.FirstOrDefault(File.Exists);
        if (exe is null) return null;
        using var process = Process.Start(new ProcessStartInfo(exe, "-Tsvg")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(dot);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(20_000), "dot did not finish within 20 s");
        Assert.True(process.ExitCode == 0, $"dot failed: {stderr.Result}");
        Assert.Equal("", stderr.Result);
        return stdout.Result;
    }
}
