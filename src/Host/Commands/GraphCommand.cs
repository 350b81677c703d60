using System.CommandLine;
using ActorGraph.Host.Cli;
using ActorGraph.Host.Pictures;

namespace ActorGraph.Host.Commands;

// `actorgraph graph`: draws one of the seed's graphs, or a saved one (--file), as the seed's figures
// do: the computation path of the fetches bold, side-effect ops green, fed tensors yellow; SVG
// through Graphviz, else DOT.
internal static class GraphCommand
{
    private const string DefaultExample = "seed-print";

    public static Command Create()
    {
        var example = new Option<string?>("--example", "-e")
        {
            Description = $"The built-in graph to draw (listed above); default: {DefaultExample}",
            HelpName = "NAME",
        };
        example.AcceptOnlyFromAmong(Example.Names);
        var file = new Option<string?>("--file")
        {
            Description = "A saved graph to draw (graph.WriteTo(path) in a program, or --save-graph of demo and train)",
            HelpName = "FILE",
        };
        var fetch = new Option<string[]>("--fetch", "-f")
        {
            Description = "Highlight the computation path of these ops or tensors (add, add:0); default: the example's, or a saved graph's sinks",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "NAME",
        };
        var feed = new Option<string[]>("--feed")
        {
            Description = "Tensors fed in the Run (the path stops there); default: the example's, none for a saved graph",
            AllowMultipleArgumentsPerToken = true,
            HelpName = "NAME",
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "FILE.svg (rendered by Graphviz's dot), FILE.dot (DOT text), or - for DOT text on standard output; default: NAME.svg here",
            HelpName = "FILE",
        };
        var saveGraph = SaveGraphOption.Create();
        int width = Example.All.Max(e => e.Name.Length);
        var examples = string.Join("\n", Example.All.Select(e => $"  {e.Name.PadRight(width)}  {e.Description}"));
        var command = new Command("graph", "Draw a graph of the seed, or a saved graph, with the computation path of its fetches highlighted and side-effect ops marked.\n" +
            "Bold: runs in this Run; grey: does not; green: side effect; yellow: fed; double border: fetched.\n\nExamples:\n" + examples)
        {
            example, file, fetch, feed, output, saveGraph,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(example) is { Implicit: false } && r.GetResult(file) is { Implicit: false })
                r.AddError("--example and --file cannot be used together: draw a built-in example or a saved graph.");
        });
        command.SetAction(parsed =>
        {
            var picture = parsed.GetValue(file) is { } path ? Picture.FromFile(path) : Picture.FromExample(Example.Get(parsed.GetValue(example) ?? DefaultExample));
            SaveGraphOption.Write(picture.Graph, parsed.GetValue(saveGraph));
            return Draw(picture, parsed.GetValue(fetch), parsed.GetValue(feed), parsed.GetValue(output));
        });
        return command;
    }

    // A graph to draw, with the fetches and feeds drawn when none are given and how to say which they are.
    private sealed record Picture(string Name, Graph Graph, Fetch[] Fetches, Tensor[] Feeds, string FetchNote)
    {
        public static Picture FromExample(Example example)
        {
            var graph = new Graph();
            using var scope = graph.AsDefault();
            var (fetches, feeds) = example.Build();
            return new(example.Name, graph, fetches, feeds, "");
        }

        public static Picture FromFile(string path)
        {
            var graph = Graph.ReadFrom(path);
            var sinks = Sinks(graph);
            return new(Path.GetFileNameWithoutExtension(path), graph, sinks, [],
                " (the graph's sinks: the ops no other op consumes; choose others with --fetch)");
        }

        // The ops nothing else takes as an input or a control input: what a program would run.
        private static Fetch[] Sinks(Graph graph)
        {
            var consumed = new HashSet<Operation>();
            foreach (var op in graph.Operations)
            {
                foreach (var input in op.Inputs) consumed.Add(input.Op);
                foreach (var control in op.ControlInputs) consumed.Add(control);
            }
            return graph.Operations.Where(o => !consumed.Contains(o))
                .Select(o => o.Outputs.Count > 0 ? (Fetch)o.Outputs[0] : o).ToArray();
        }
    }

    private static int Draw(Picture picture, string[]? fetchNames, string[]? feedNames, string? output)
    {
        var graph = picture.Graph;
        bool given = fetchNames is { Length: > 0 };
        var fetches = given ? fetchNames!.Select(n => Resolve(graph, n, "--fetch")).ToArray() : picture.Fetches;
        var feeds = feedNames is { Length: > 0 } ? feedNames.Select(n => Resolve(graph, n, "--feed").Tensor
            ?? throw new CliException($"--feed {n}: an operation cannot be fed; feed one of its outputs ({n}:0).", ExitCodes.Usage)).ToArray() : picture.Feeds;
        var dot = graph.ToDot(fetches, feeds, CondsTaken(graph, feeds));
        var what = $"{picture.Name}, computation path of {string.Join(", ", fetches.Select(Name))}{(given ? "" : picture.FetchNote)}";

        output ??= picture.Name + ".svg";
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

    // The branch each Cond outside any function takes, from a run of its predicate: known when the
    // predicate needs no feed and no variable (a Cond inside a loop, or on a fed value, is drawn without one).
    private static Dictionary<Operation, bool> CondsTaken(Graph graph, Tensor[] feeds)
    {
        var taken = new Dictionary<Operation, bool>();
        var conds = graph.Operations.Where(o => o.Type == "If").ToArray();
        if (conds.Length == 0 || feeds.Length > 0) return taken;
        using var sess = new Session(graph, new SessionOptions { PrintOutput = TextWriter.Null });
        foreach (var cond in conds)
            try
            {
                taken[cond] = sess.Run(cond.Inputs[0]).ToScalar<bool>();
            }
            catch (ActorGraphException)
            {
                // Not computable alone: a function's placeholder, a feed, an uninitialized variable.
            }
        return taken;
    }

    private static string Name(Fetch f) => f.Tensor?.Name ?? f.Operation.Name;

    // An op name ("add") or a tensor name ("add:0"); an unknown one names the graph's closest names
    // (a small graph's every op).
    private static Fetch Resolve(Graph graph, string name, string option)
    {
        try
        {
            return name.Contains(':') ? graph.GetTensor(name) : graph.GetOperation(name);
        }
        catch (Exception e) when (e is KeyError or ArgumentException)
        {
            var ops = graph.Operations.Select(o => o.Name).ToList();
            if (ops.Count <= 12)
                throw new CliException($"{option} {name}: '{name}' is not in this graph. Its operations: {string.Join(", ", ops)}", ExitCodes.Usage);
            var candidates = name.Contains(':') ? graph.Operations.SelectMany(o => o.Outputs).Select(t => t.Name) : ops;
            var close = CloseNames.Of(name, candidates);
            throw new CliException($"{option} {name}: '{name}' is not in this graph of {ops.Count} operations. " +
                (close.Count > 0 ? $"Close names: {string.Join(", ", close)}" : $"None comes close; its first operations: {string.Join(", ", ops.Take(12))}, …"),
                ExitCodes.Usage);
        }
    }
}
