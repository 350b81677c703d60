using ActorGraph.ParameterServer;

namespace ActorGraph.Host.Cli;

// `cluster status`'s hash tables: one line per table per parameter server, its rows there and their bytes.
internal static class HashTableLines
{
    public static void Print(IReadOnlyList<ShardStatus?> shards)
    {
        var lines = shards.Where(s => s?.HashTables is not null)
            .SelectMany(s => s!.HashTables!.GroupBy(p => p.Table).Select(t => (Table: t.Key, s.Task, Parts: t.Count(), Rows: t.Sum(p => p.Rows), Bytes: t.Sum(p => p.Bytes))))
            .OrderBy(l => l.Table, StringComparer.Ordinal).ThenBy(l => l.Task);
        foreach (var l in lines)
            Console.WriteLine($"hash table {l.Table} on /job:ps/task:{l.Task}: {l.Rows} rows in {l.Parts} part(s), {l.Bytes} bytes");
    }
}
