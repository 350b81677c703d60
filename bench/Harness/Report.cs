using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ActorGraph.Bench.Harness;

public sealed record Row(string Figure, IReadOnlyList<(string Key, object Value)> Config, Stats Stats, string Unit, Row? Baseline);

// Collects one row per figure/configuration, then prints a table for people and one JSON line per row for tools
// (`grep '^{'` picks them out; progress and diagnostics go to stderr).
public sealed class Report(string bench)
{
    readonly List<Row> _rows = [];

    public string Bench { get; } = bench;

    // baseline: a row of this run the new row's median is divided by in the ratio column.
    public Row Add(string figure, IReadOnlyList<(string Key, object Value)> config, Stats stats, string unit, Row? baseline = null)
    {
        var row = new Row(figure, config, stats, unit, baseline);
        _rows.Add(row);
        Console.Error.WriteLine($"  {figure} {string.Join(' ', config.Select(c => $"{c.Key}={Text(c.Value)}"))}: {Number(stats.Median)} {unit}");
        return row;
    }

    public void Print(TextWriter output)
    {
        PrintTable(output);
        if (_rows.Any(r => r.Stats.OtherLoad > 0.2))
            output.WriteLine("# other_load = cores kept busy by other processes meanwhile; figures with a high one are not trustworthy");
        output.WriteLine();
        foreach (var row in _rows)
            output.WriteLine(Json(row));
    }

    void PrintTable(TextWriter output)
    {
        var keys = _rows.SelectMany(r => r.Config.Select(c => c.Key)).Distinct().ToList();
        string[] header = ["figure", .. keys, "median", "min", "max", "unit", "ratio", "other_load"];
        var lines = _rows.Select(r => (string[])
        [
            r.Figure,
            .. keys.Select(k => r.Config.Where(c => c.Key == k).Select(c => Text(c.Value)).FirstOrDefault() ?? ""),
            Number(r.Stats.Median), Number(r.Stats.Min), Number(r.Stats.Max), r.Unit,
            r.Baseline is null ? "" : Number(r.Stats.Median / r.Baseline.Stats.Median) + "x",
            r.Stats.OtherLoad is double load ? load.ToString("0.00", CultureInfo.InvariantCulture) : "",
        ]).Prepend(header).ToList();
        var widths = header.Select((_, i) => lines.Max(l => l[i].Length)).ToArray();
        // Text columns read better left-aligned, numbers right-aligned.
        bool[] numeric = header.Select((name, i) => lines.Skip(1).All(l => l[i].Length == 0 || double.TryParse(l[i].TrimEnd('x'), NumberStyles.Float, CultureInfo.InvariantCulture, out _))).ToArray();
        foreach (var line in lines)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < line.Length; i++)
                sb.Append(i == 0 ? "" : "  ").Append(numeric[i] ? line[i].PadLeft(widths[i]) : line[i].PadRight(widths[i]));
            output.WriteLine(sb.ToString().TrimEnd());
        }
    }

    string Json(Row row)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("bench", Bench);
            json.WriteString("figure", row.Figure);
            foreach (var (key, value) in row.Config)
            {
                switch (value)
                {
                    case bool b: json.WriteBoolean(key, b); break;
                    case int or long or double or float: json.WriteNumber(key, Round(Convert.ToDouble(value, CultureInfo.InvariantCulture))); break;
                    default: json.WriteString(key, Text(value)); break;
                }
            }
            json.WriteNumber("median", Round(row.Stats.Median));
            json.WriteNumber("min", Round(row.Stats.Min));
            json.WriteNumber("max", Round(row.Stats.Max));
            json.WriteString("unit", row.Unit);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    // Four significant digits: more than trial-to-trial noise ever justifies.
    static double Round(double x) =>
        x == 0 || !double.IsFinite(x) ? x : Math.Round(x, Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(x))), 0, 15));

    static string Number(double x) => Round(x).ToString(CultureInfo.InvariantCulture);

    static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
}
