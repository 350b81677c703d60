namespace ActorGraph.Host.Tests.Cli;

// `--save-graph FILE` writes the graph a command runs; `actorgraph graph --file FILE` draws it.
public class GraphFileCommandTests
{
    [Fact]
    public void The_demo_saves_its_graph_and_graph_draws_it_from_the_saved_sinks()
    {
        var work = TempDir.Create();
        var demo = ActorGraphProcess.RunIn(work, null, "demo", "--steps", "10", "--no-checkpoint", "--save-graph", "lr.graph");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains("written to lr.graph (draw it: actorgraph graph --file lr.graph)", demo.Out);

        var drawn = ActorGraphProcess.RunIn(work, null, "graph", "--file", "lr.graph", "--out", "lr.dot");
        Assert.True(drawn.ExitCode == 0, drawn.ToString());
        Assert.Contains("computation path of init, ", drawn.Out);
        Assert.Contains("GradientDescent (the graph's sinks: the ops no other op consumes", drawn.Out);
        var dot = File.ReadAllText(Path.Combine(work, "lr.dot"));
        foreach (var node in new[] { "\"m\"", "\"b\"", "\"Square\"", "\"GradientDescent\"" }) Assert.Contains(node, dot);
    }

    [Fact]
    public void A_saved_example_draws_as_the_example_does_with_the_same_fetches_and_feeds()
    {
        var work = TempDir.Create();
        var saved = ActorGraphProcess.RunIn(work, null, "graph", "-e", "linear-regression", "--save-graph", "lr.graph", "--out", "-");
        Assert.True(saved.ExitCode == 0, saved.ToString());
        var args = new[] { "--fetch", "Square", "GradientDescent", "--feed", "Placeholder:0", "Placeholder_1:0", "--out", "-" };
        var fromFile = ActorGraphProcess.RunIn(work, null, ["graph", "--file", "lr.graph", .. args]);
        var fromExample = ActorGraphProcess.RunIn(work, null, ["graph", "-e", "linear-regression", .. args]);
        Assert.True(fromFile.ExitCode == 0, fromFile.ToString());
        Assert.Equal(fromExample.Out, fromFile.Out);
    }

    [Fact]
    public void Example_and_file_together_are_a_usage_error()
    {
        var r = ActorGraphProcess.Run("graph", "--example", "seed-sum", "--file", "x.graph");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--example and --file cannot be used together", r.Err);
        Assert.Contains("actorgraph graph --help", r.Err);
    }

    [Fact]
    public void A_missing_or_foreign_file_is_named_without_a_stack_trace()
    {
        var work = TempDir.Create();
        var missing = ActorGraphProcess.RunIn(work, null, "graph", "--file", "nowhere.graph");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: nowhere.graph: no such graph file.", missing.Err);

        File.WriteAllText(Path.Combine(work, "picture.dot"), "digraph G { a -> b }");
        var foreign = ActorGraphProcess.RunIn(work, null, "graph", "--file", "picture.dot");
        Assert.Equal(1, foreign.ExitCode);
        Assert.Contains("error: picture.dot is not an ActorGraph graph file (it starts with \"digraph G { a ->\"", foreign.Err);
        Assert.DoesNotContain("   at ", missing.Err + foreign.Err);
    }

    [Fact]
    public void An_unknown_fetch_in_a_large_saved_graph_names_the_close_ones()
    {
        var work = TempDir.Create();
        Assert.Equal(0, ActorGraphProcess.RunIn(work, null, "graph", "-e", "fashion-mnist", "--save-graph", "mlp.graph", "--out", "-").ExitCode);
        var r = ActorGraphProcess.RunIn(work, null, "graph", "--file", "mlp.graph", "--fetch", "los");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("error: --fetch los: 'los' is not in this graph of ", r.Err);
        Assert.Contains("Close names: loss", r.Err);
    }

    [Fact]
    public void Training_saves_the_graph_it_trains()
    {
        var data = TinyFashionMnist.Write(train: 20, test: 10);
        var r = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--epochs", "1", "--save-graph", "mlp.graph");
        Assert.True(r.ExitCode == 0, r.ToString());
        var graph = Graph.ReadFrom(Path.Combine(data, "mlp.graph"));
        Assert.Equal(["layer1/weights", "layer1/biases"], graph.Operations.Where(o => o.Type == "VariableV2").Select(o => o.Name).Take(2));
        Assert.Contains(graph.Operations, o => o.Name == "loss");
    }
}
