using System.CommandLine;

namespace ActorGraph.Host.Cli;

// --save-graph FILE: the graph a command runs, written for `actorgraph graph --file FILE`
// (and for Graph.ReadFrom in a program).
internal static class SaveGraphOption
{
    public static Option<string?> Create() => new("--save-graph")
    {
        Description = "Write the graph to FILE (draw it with: actorgraph graph --file FILE)",
        HelpName = "FILE",
    };

    public static void Write(Graph graph, string? path)
    {
        if (path is null) return;
        graph.WriteTo(path);
        Console.WriteLine($"Graph of {graph.Operations.Count} operations written to {path} (draw it: actorgraph graph --file {path})");
    }
}
