namespace ActorGraph.Host;

// "--name value" options and positional words; a wrong command line is a usage error (exit code 2).
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public CommandLine(string[] args, IReadOnlyCollection<string> options, IReadOnlyCollection<string>? flags = null)
    {
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is "--help" or "-h") { Help = true; continue; }
            if (flags?.Contains(a) == true) { _flags.Add(a); continue; }
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (!options.Contains(a)) throw new UsageException($"unknown option '{a}'");
                if (i + 1 >= args.Length) throw new UsageException($"option {a} needs a value");
                _options[a] = args[++i];
                continue;
            }
            Positional.Add(a);
        }
    }

    public bool Help { get; }
    public List<string> Positional { get; } = [];

    public bool Flag(string name) => _flags.Contains(name);

    public string? Get(string name) => _options.GetValueOrDefault(name);

    public int Int(string name, int fallback, int min = 0)
    {
        if (Get(name) is not { } text) return fallback;
        if (!int.TryParse(text, out var n) || n < min) throw new UsageException($"option {name} needs a whole number ≥ {min}, not '{text}'");
        return n;
    }

    public T Enum<T>(string name, T fallback) where T : struct, System.Enum
    {
        if (Get(name) is not { } text) return fallback;
        if (!System.Enum.TryParse<T>(text, ignoreCase: true, out var value))
            throw new UsageException($"option {name} is one of {string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}, not '{text}'");
        return value;
    }

    // The store: --store, else $ACTORGRAPH_STORE, else actorgraph.db in the working directory.
    public string? Store => Get("--store") ?? Environment.GetEnvironmentVariable("ACTORGRAPH_STORE");
}

internal sealed class UsageException(string message) : Exception(message);
