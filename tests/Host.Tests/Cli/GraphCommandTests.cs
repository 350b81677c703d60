namespace ActorGraph.Host.Tests.Cli;

public class GraphCommandTests
{
    private static readonly Dictionary<string, string> NoDot = new() { ["ACTORGRAPH_DOT"] = "/nonexistent/dot" };

    [Fact]
    public void The_seed_print_graph_is_an_svg_with_the_print_off_the_path()
    {
        if (!Images.CanDrawSvg()) return;
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "graph", "--example", "seed-print", "--out", "print.svg");
        Assert.True(r.ExitCode == 0, r.ToString());
        var path = Path.Combine(work, "print.svg");
        Assert.True(new FileInfo(path).Length > 2_000);
        var svg = Images.Svg(path);
        var text = svg.Value;
        foreach (var node in new[] { "Const", "Const_1", "add", "Print" }) Assert.Contains(node, text);
        Assert.Contains("computation path of add:0", r.Out);
    }

    [Theory]
    [InlineData("seed-sum")]
    [InlineData("seed-placeholder")]
    [InlineData("seed-assign")]
    [InlineData("seed-init")]
    [InlineData("linear-regression")]
    [InlineData("fashion-mnist")]
    [InlineData("while-loop")]
    public void Every_example_draws_as_svg(string example)
    {
        if (!Images.CanDrawSvg()) return;
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "graph", "-e", example);
        Assert.True(r.ExitCode == 0, r.ToString());
        Images.Svg(Path.Combine(work, example + ".svg"));
    }

    [Fact]
    public void Given_fetches_are_highlighted_and_the_rest_is_grey()
    {
        var r = ActorGraphProcess.RunIn(TempDir.Create(), null, "graph", "-e", "seed-placeholder", "--fetch", "add", "--out", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches("\"Placeholder\" \\[[^\\]]*penwidth=2", r.Out);
        var other = ActorGraphProcess.RunIn(TempDir.Create(), null, "graph", "-e", "seed-placeholder", "--fetch", "Const:0", "--out", "-");
        Assert.Matches("\"Placeholder\" \\[[^\\]]*color=\"gray60\"", other.Out);
    }

    [Fact]
    public void A_loops_functions_and_a_conds_branches_are_clusters_and_the_taken_branch_is_bold()
    {
        var r = ActorGraphProcess.RunIn(TempDir.Create(), null, "graph", "-e", "while-loop", "--out", "-");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var cluster in new[] { "cluster_while_cond", "cluster_while_body", "cluster_cond_then", "cluster_cond_else" })
            Assert.Contains($"subgraph \"{cluster}\"", r.Out);
        // The sum (55) is over 50: the true branch ran, bold; the false one did not, grey.
        Assert.Matches("label=\"cond: then\"[^\\n]*penwidth=2", r.Out);
        Assert.Matches("label=\"cond: else\"[^\\n]*color=\"gray60\"", r.Out);
        Assert.Matches("label=\"while: body\"[^\\n]*penwidth=2", r.Out);
    }

    [Fact]
    public void Without_graphviz_it_writes_dot_text_and_says_so()
    {
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, NoDot, "graph", "-e", "seed-sum", "--out", "sum.svg");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("dot is not installed", r.Err);
        Assert.Contains("sudo apt-get install graphviz", r.Err);
        Assert.False(File.Exists(Path.Combine(work, "sum.svg")));
        var dot = File.ReadAllText(Path.Combine(work, "sum.dot"));
        Assert.StartsWith("digraph G {", dot);
        Assert.Contains("\"add\"", dot);
    }

    [Fact]
    public void A_dot_file_is_written_as_dot_text()
    {
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "graph", "-e", "linear-regression", "-o", "lr.dot");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("GradientDescent", File.ReadAllText(Path.Combine(work, "lr.dot")));
    }

    [Fact]
    public void An_unknown_fetch_is_a_usage_error_that_lists_the_graph_ops()
    {
        var r = ActorGraphProcess.Run("graph", "-e", "seed-sum", "--fetch", "mul");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'mul' is not in this graph", r.Err);
        Assert.Contains("Const_1", r.Err);
    }
}
