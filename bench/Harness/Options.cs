using System.Globalization;

namespace ActorGraph.Bench.Harness;

// `--name value` pairs and bare `--flag`s. Reads are recorded so a misspelt option is reported instead of ignored.
public sealed class Options
{
    readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public static Options Parse(IReadOnlyList<string> args)
    {
        var options = new Options();
        for (int i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i].Length == 2)
                throw new ArgumentException($"Expected an option like --trials, got '{args[i]}'.");
            string name = args[i][2..];
            bool hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options._values[name] = hasValue ? args[++i] : "true";
        }
        return options;
    }

    public bool Has(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    public string String(string name, string fallback) => Has(name) ? _values[name] : fallback;

    public int Int(string name, int fallback) =>
        Has(name) ? int.Parse(_values[name], CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        Has(name) ? double.Parse(_values[name], CultureInfo.InvariantCulture) : fallback;

    // A bare --flag is true; --flag false turns a flag that defaults to true off.
    public bool Bool(string name, bool fallback) => !Has(name) ? fallback : _values[name] switch
    {
        "true" => true,
        "false" => false,
        var other => throw new ArgumentException($"--{name} takes true or false, got '{other}'."),
    };

    public int[] Ints(string name, params int[] fallback) =>
        Has(name) ? _values[name].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : fallback;

    public IEnumerable<string> Unread => _values.Keys.Where(k => !_read.Contains(k));
}
