using System.CommandLine;
using System.CommandLine.Invocation;
using ActorGraph.Host.Commands;

namespace ActorGraph.Host.Cli;

// The `actorgraph` command: parses, runs one subcommand, and maps the outcome to an exit code.
internal static class App
{
    public static RootCommand Build()
    {
        var root = new RootCommand("actorgraph: TensorFlow 1's define-and-run computation graphs, run by Akka.NET actors.")
        {
            CommonOptions.Verbose,
        };
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(GraphCommand.Create());
        root.Subcommands.Add(CheckpointsCommand.Create());
        root.Subcommands.Add(TrainDemoCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        root.Subcommands.Add(ClusterCommand.Create());
        return root;
    }

    public static int Run(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is ParseErrorAction)
            return UsageError(parsed);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (Exception e) when (e is ActorGraphException or ArgumentException or IOException or InvalidDataException)
        {
            // An error the user can act on: its message, not a stack trace (--verbose adds it).
            Console.Error.WriteLine($"error: {e.Message}");
            if (parsed.GetValue(CommonOptions.Verbose)) Console.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            // A bug of ours: the whole exception, still exit 1 rather than the runtime's abort code.
            Console.Error.WriteLine($"internal error: {e}");
            return ExitCodes.Failure;
        }
    }

    // Usage errors say what was wrong and where the help is; with no command at all, the help itself.
    private static int UsageError(ParseResult parsed)
    {
        if (parsed.Tokens.Count == 0)
        {
            parsed.RootCommandResult.Command.Parse("--help").Invoke(new InvocationConfiguration { Output = Console.Error });
            return ExitCodes.Usage;
        }
        // "Required command was not provided" says nothing more when a token was already refused.
        var errors = parsed.Errors.Count > 1 ? parsed.Errors.Where(e => !e.Message.StartsWith("Required command")) : parsed.Errors;
        foreach (var error in errors) Console.Error.WriteLine($"error: {error.Message}");
        var path = string.Join(' ', CommandPath(parsed));
        Console.Error.WriteLine($"Run '{path} --help' for usage.");
        return ExitCodes.Usage;
    }

    private static List<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command is RootCommand ? "actorgraph" : r.Command.Name);
        return names;
    }
}
