using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorGraph.HashTables;

// A hash table part stored as named arrays beside the variables (`table/part_0/hash/ids`, `.../rows`, `.../slot/<name>`, ...),
// so a snapshot, its chunks and checksums, a manifest and the CLI treat it as they treat any variable. The part's spec
// is stored too: a shard recovering from its own snapshot rebuilds the part before any step names it.
public static partial class HashPartEntries
{
    private const string Marker = "/hash/";

    public static bool IsEntry(string name) => Entry().IsMatch(name);

    // The part (its op's name, `table/part_0`) an entry belongs to; null when the name is no entry.
    public static string? PartNameOf(string name) => Entry().Match(name) is { Success: true } m ? $"{m.Groups[1].Value}/part_{m.Groups[2].Value}" : null;

    public static IEnumerable<KeyValuePair<string, NDArray>> Encode(HashPartContents part)
    {
        var spec = part.Spec;
        string at = spec.PartName + Marker;
        yield return new(at + "spec", NDArray.FromArray(new long[] { spec.Part, spec.Parts, spec.Dimension, (long)spec.DType, (long)spec.Init.Distribution, spec.Init.Seed, spec.EvictAfterSteps }, Shape.Own([7])));
        yield return new(at + "init", NDArray.FromArray(new[] { spec.Init.A, spec.Init.B }, Shape.Own([2])));
        yield return new(at + "clock", NDArray.Scalar(part.Clock));
        yield return new(at + "ids", NDArray.FromArray(part.Ids, Shape.Own([part.Ids.Length])));
        yield return new(at + "touched", NDArray.FromArray(part.Touched, Shape.Own([part.Touched.Length])));
        yield return new(at + "rows", part.Rows);
        foreach (var (name, slot) in part.RowSlots.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            yield return new(at + "slot/" + name, slot.Rows);
            yield return new(at + "slot_init/" + name, NDArray.Scalar(slot.Init));
        }
        foreach (var (name, value) in part.Scalars.OrderBy(s => s.Key, StringComparer.Ordinal))
            yield return new(at + "scalar/" + name, value);
    }

    // The parts among `entries`, by table; every array checked against the part's spec. where: names the source in errors.
    public static Dictionary<string, List<HashPartContents>> Decode(IEnumerable<KeyValuePair<string, NDArray>> entries, string where)
    {
        var byPart = new Dictionary<(string Table, int Part), Dictionary<string, NDArray>>();
        foreach (var (name, value) in entries)
        {
            if (Entry().Match(name) is not { Success: true } m) continue;
            var key = (m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            if (!byPart.TryGetValue(key, out var fields)) byPart[key] = fields = new(StringComparer.Ordinal);
            fields[m.Groups[3].Value] = value;
        }
        var tables = new Dictionary<string, List<HashPartContents>>(StringComparer.Ordinal);
        foreach (var ((table, part), fields) in byPart.OrderBy(p => p.Key.Part))
        {
            if (!tables.TryGetValue(table, out var parts)) tables[table] = parts = [];
            parts.Add(DecodePart(table, part, fields, where));
        }
        return tables;
    }

    private static HashPartContents DecodePart(string table, int part, Dictionary<string, NDArray> fields, string where)
    {
        string what = $"{where}: hash table part {table}/part_{part}";
        NDArray Field(string name, DType dtype, params int[] dims)
        {
            var value = fields.GetValueOrDefault(name) ?? throw new DataLossException($"{what} is missing its {name}.");
            if (value.DType != dtype || (dims.Length > 0 && !value.Shape.SameDims(dims)) || (dims.Length == 0 && value.Shape.Rank != 0))
                throw new DataLossException($"{what}: {name} is {value.DType.PythonName()} {value.Shape.ToBracketString()}, it should be {dtype.PythonName()} [{string.Join(",", dims)}].");
            return value;
        }
        var s = Field("spec", DType.Int64, 7).Span<long>();
        var init = Field("init", DType.Float64, 2).Span<double>();
        if (s[0] != part || s[1] <= part || s[2] <= 0 || (DType)s[3] is not (DType.Float32 or DType.Float64) || !Enum.IsDefined((HashRowDistribution)s[4]))
            throw new DataLossException($"{what} has a corrupted spec [{string.Join(",", s.ToArray())}].");
        var spec = new HashTableSpec(table, part, (int)s[1], (int)s[2], (DType)s[3], new HashRowInit((HashRowDistribution)s[4], init[0], init[1], s[5]), s[6]);
        int n = fields.TryGetValue("ids", out var stored) && stored.Shape.Rank == 1 ? stored.Shape[0] : -1;
        var ids = Field("ids", DType.Int64, n);
        var rowSlots = new Dictionary<string, HashSlotRows>(StringComparer.Ordinal);
        var scalars = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var name in fields.Keys)
            if (name.StartsWith("slot/", StringComparison.Ordinal))
                rowSlots[name[5..]] = new HashSlotRows(Field(name, spec.DType, n, spec.Dimension), Field("slot_init/" + name[5..], DType.Float64).Span<double>()[0]);
            else if (name.StartsWith("scalar/", StringComparison.Ordinal))
                scalars[name[7..]] = Field(name, spec.DType);
        return new HashPartContents(spec, Field("clock", DType.Int64).Span<long>()[0], ids.Span<long>().ToArray(), Field("touched", DType.Int64, n).Span<long>().ToArray(),
            Field("rows", spec.DType, n, spec.Dimension), rowSlots, scalars);
    }

    [GeneratedRegex(@"^(.+)/part_(\d+)/hash/(.+)$")]
    private static partial Regex Entry();
}
