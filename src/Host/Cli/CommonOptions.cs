using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace ActorGraph.Host.Cli;

// Options several commands share, and what they turn into.
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log what happens (graph building, sessions, timings) to standard error",
        Recursive = true,
    };

    public static Option<string?> Cluster() => new("--cluster")
    {
        Description = "Address of a running cluster's node (akka.tcp://actorgraph@HOST:PORT); without it, local mode",
        HelpName = "ADDR",
    };

    // ACTORGRAPH_<name>, unless unset or empty: the fallback of a flag that deployments set per process.
    public static string? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable("ACTORGRAPH_" + name) is { Length: > 0 } value ? value : null;

    // A malformed address fails before any data is read or any session opens.
    public static string? CheckCluster(string? address)
    {
        if (address is not null) Coordinator.Cluster.ClusterConfig.ParseAddress(address);
        return address;
    }

    public static Option<int> Positive(string name, int fallback, string description, string helpName = "N")
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = helpName };
        AtLeastOne(option);
        return option;
    }

    // Checks the value only when it parsed; a value that is not a number has its own parse error.
    public static void AtLeastOne<T>(Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var v) && v < 1)
                r.AddError($"{option.Name} must be at least 1.");
        });
    }

    public static void Positive<T>(Option<T> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && double.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var v) && v <= 0)
                r.AddError($"{option.Name} must be positive.");
        });
    }

    // Quiet by default: warnings (the session's trap warnings among them) and errors only.
    public static ILoggerFactory Logging(ParseResult parsed) => LoggerFactory.Create(b => b
        .SetMinimumLevel(parsed.GetValue(Verbose) ? LogLevel.Debug : LogLevel.Warning)
        .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = parsed.GetValue(Verbose) ? "HH:mm:ss.fff " : null; })
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
