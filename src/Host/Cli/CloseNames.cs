namespace ActorGraph.Host.Cli;

// "Did you mean": the names nearest a mistyped one, for errors about names a graph lacks.
internal static class CloseNames
{
    // Names that contain the wanted one (or it them), then those within a few edits, nearest first.
    public static IReadOnlyList<string> Of(string wanted, IEnumerable<string> names, int max = 8)
    {
        var w = wanted.ToLowerInvariant();
        int tolerance = Math.Max(2, w.Length / 3);
        return names
            .Select(n => (Name: n, Distance: Score(w, n.ToLowerInvariant())))
            .Where(x => x.Distance <= tolerance)
            .OrderBy(x => x.Distance).ThenBy(x => x.Name.Length).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(max)
            .Select(x => x.Name)
            .ToList();
    }

    private static int Score(string wanted, string name) =>
        name.Contains(wanted) || (name.Length > 2 && wanted.Contains(name)) ? 0 : Levenshtein(wanted, name);

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
