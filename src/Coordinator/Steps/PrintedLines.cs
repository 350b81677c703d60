namespace ActorGraph.Coordinator.Steps;

// The Print text of one step's workers, merged into one: each worker's lines stay in its own order, and across
// workers a line finished earlier comes first (PrintLog stamps each line). A Print that feeds a Print on another
// worker therefore comes out first, whichever worker answered first. Text without its times (a failure before the
// step ran) goes where it was answered.
internal sealed class PrintedLines
{
    private readonly List<(string[] Lines, long[]? Times)> _answers = [];

    public void Add(string? text, long[]? times)
    {
        if (string.IsNullOrEmpty(text)) return;
        var lines = SplitKeepingNewlines(text);
        _answers.Add((lines, times is not null && times.Length == lines.Length ? times : null));
    }

    public string? Text()
    {
        if (_answers.Count == 0) return null;
        if (_answers.Count == 1 || _answers.Any(a => a.Times is null)) return string.Concat(_answers.SelectMany(a => a.Lines));
        var next = new int[_answers.Count];
        var merged = new System.Text.StringBuilder();
        while (true)
        {
            int earliest = -1;
            for (int a = 0; a < _answers.Count; a++)
                if (next[a] < _answers[a].Lines.Length && (earliest < 0 || _answers[a].Times![next[a]] < _answers[earliest].Times![next[earliest]]))
                    earliest = a;
            if (earliest < 0) return merged.ToString();
            merged.Append(_answers[earliest].Lines[next[earliest]++]);
        }
    }

    private static string[] SplitKeepingNewlines(string text)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        if (start < text.Length) lines.Add(text[start..]);
        return [.. lines];
    }
}
