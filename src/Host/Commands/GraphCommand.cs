using System.CommandLine;
using ActorGraph.Host.Cli;
using ActorGraph.Host.Pictures;

namespace ActorGraph.Host.Commands;

// `actorgraph graph`: draws one of the seed's graphs as its figures do, the computation path of
// the fetches bold, side-effect ops green, fed tensors yellow; SVG through Graphviz, else DOT.
internal static class GraphCommand
{
    public static Command Create()
    {
        var example = new Option<string>("--example", "-e")
        {
            Description = "The graph to draw (listed above)",
            DefaultValueFactory = _ => "seed-print",
            HelpName = "NAME",
        };
        example.AcceptOnlyFromAmong(Example.Names);
        var fetch = new Option<string[]>("--fetch", "-f")
        {
            Description = "Highlight the computation path of these ops or tensors (add, add:0); default: the example's",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "NAME",
        };
        var feed = new Option<string[]>("--feed")
        {
            Description = "Tensors fed in the Run (the path stops there); default: the example's",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "NAME",
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "FILE.svg (rendered by Graphviz's dot), FILE.dot (DOT text), or - for DOT text on standard output; default: EXAMPLE.svg",
            HelpName = "FILE",
        };
        int width = Example.All.Max(e => e.Name.Length);
        var examples = string.Join("\n", Example.All.Select(e => $"  {e.Name.PadRight(width)}  {e.Description}"));
        var command = new Command("graph", "Draw a graph of the seed with the computation path of its fetches highlighted and side-effect ops marked.\n" +
            "Bold: runs in this Run; grey: does not; green: side effect; yellow: fed; double border: fetched.\n\nExamples:\n" + examples)
        {
            example, fetch, feed, output,
        };
        command.SetAction(parsed => Run(Example.Get(parsed.GetValue(example)!), parsed.GetValue(fetch), parsed.GetValue(feed), parsed.GetValue(output)));
        return command;
    }

    private static int Run(Example example, string[]? fetchNames, string[]? feedNames, string? output)
    {
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var (defaultFetches, defaultFeeds) = example.Build();
        var fetches = fetchNames is { Length: > 0 } ? fetchNames.Select(n => Resolve(graph, n)).ToArray() : defaultFetches;
        var feeds = feedNames is { Length: > 0 } ? feedNames.Select(n => Resolve(graph, n).Tensor
            ?? throw new CliException($"--feed {n}: an operation cannot be fed; feed one of its outputs ({n}:0).", ExitCodes.Usage)).ToArray() : defaultFeeds;
        var dot = graph.ToDot(fetches, feeds);
        var what = $"{example.Name}, computation path of {string.Join(", ", fetches.Select(Name))}";

        output ??= example.Name + ".svg";
        if (output == "-")
        {
            Console.Write(dot);
            return ExitCodes.Ok;
        }
        if (!output.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            File.WriteAllText(output, dot);
            Console.WriteLine($"Wrote DOT text of {what} to {output} (render it with: dot -Tsvg {output} -o {Path.ChangeExtension(output, ".svg")})");
            return ExitCodes.Ok;
        }
        if (Graphviz.FindDot() is not { } dotBinary)
        {
            var dotPath = Path.ChangeExtension(output, ".dot");
            File.WriteAllText(dotPath, dot);
            Console.Error.WriteLine($"Graphviz's dot is not installed, so no SVG: wrote DOT text to {dotPath} instead. Install it with:  {Graphviz.InstallHint}");
            Console.WriteLine($"Wrote DOT text of {what} to {dotPath}");
            return ExitCodes.Ok;
        }
        Graphviz.RenderSvg(dotBinary, dot, output);
        Console.WriteLine($"Wrote {output}: {what}");
        Console.WriteLine("Legend: bold = runs in this Run; grey = does not; green = has a side effect; yellow = fed; double border = fetched; dashed = reference or control edge");
        return ExitCodes.Ok;
    }

    private static string Name(Fetch f) => f.Tensor?.Name ?? f.Operation.Name;

    // An op name ("add") or a tensor name ("add:0"); an unknown one lists what the graph has.
    private static Fetch Resolve(Graph graph, string name)
    {
        try
        {
            return name.Contains(':') ? graph.GetTensor(name) : graph.GetOperation(name);
        }
        catch (Exception e) when (e is KeyError or ArgumentException)
        {
            throw new CliException($"'{name}' is not in this graph. Its operations: {string.Join(", ", graph.Operations.Select(o => o.Name))}", ExitCodes.Usage);
        }
    }
}
