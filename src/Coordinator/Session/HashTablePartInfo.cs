using System.Text;
using ActorGraph.ParameterServer;
using Akka.Actor;

namespace ActorGraph;

// One part of a hash table as Explain shows it: where it lives, its rows now and the bytes they and their slots
// take. Device is empty, and Rows and Bytes 0, for a part no lookup has reached yet.
public sealed record HashTablePartInfo(string Table, int Part, string Device, long Rows, long Bytes)
{
    internal static void AppendTable(StringBuilder sb, IReadOnlyList<HashTablePartInfo> parts)
    {
        int width = Math.Max(10, parts.Max(p => p.Table.Length));
        sb.AppendLine();
        sb.AppendLine($"{"hash table".PadRight(width)}  {"part",4}  {"placement",-16}  {"rows",12}  {"bytes",14}");
        sb.AppendLine($"{new string('-', width)}  ----  {new string('-', 16)}  {new string('-', 12)}  {new string('-', 14)}");
        foreach (var p in parts)
            sb.AppendLine($"{p.Table.PadRight(width)}  {p.Part,4}  {p.Device,-16}  {p.Rows,12}  {p.Bytes,14}");
    }

    // Every part of the graph's hash tables, with what the executor's store or the shards (one status per ps task, null
    // for one that did not answer) hold.
    internal static IReadOnlyList<HashTablePartInfo> Of(Graph graph, ExecutorRuntime? executor, IReadOnlyList<ShardStatus?> shards)
    {
        var held = new Dictionary<(string, int), HashTablePartInfo>();
        if (executor is not null)
            foreach (var part in executor.HashTables.Parts)
                held[(part.Spec.Table, part.Spec.Part)] = new(part.Spec.Table, part.Spec.Part, "/job:ps/task:0", part.Rows, part.Bytes);
        for (int task = 0; task < shards.Count; task++)
            foreach (var part in shards[task]?.HashTables ?? [])
                held[(part.Table, part.Part)] = new(part.Table, part.Part, $"/job:ps/task:{task}", part.Rows, part.Bytes);
        return [.. graph.HashEmbeddings.OrderBy(t => t.Name, StringComparer.Ordinal)
            .SelectMany(t => Enumerable.Range(0, t.Count).Select(p => held.GetValueOrDefault((t.Name, p)) ?? new(t.Name, p, "", 0, 0)))];
    }

    // The statuses of a session's own shards (local mode, the simulation), in ps task order.
    internal static ShardStatus?[] Ask(RuntimeActors actors) =>
        [.. actors.ParameterServers.Select(ps => (ShardStatus?)ps.Ask<ShardStatus>(new GetShardStatus(), TimeSpan.FromSeconds(10)).GetAwaiter().GetResult())];
}
