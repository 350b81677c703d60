using ActorGraph.Messaging;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Configuration;

namespace ActorGraph.Host;

// actorgraph checkpoints list|show|delete --store …: the store's checkpoints without a training session.
internal static class CheckpointsCommand
{
    public const string Usage = """
        actorgraph checkpoints list [--store CONNECTION]
        actorgraph checkpoints show ID|NAME [--store CONNECTION]
        actorgraph checkpoints delete ID|NAME [--store CONNECTION]

          --store   "Data Source=path.db" (SQLite) or "Host=…;Port=…;Database=…;Username=…" (PostgreSQL);
                    default $ACTORGRAPH_STORE, else actorgraph.db in the working directory
        """;

    public static int Run(string[] args)
    {
        var line = new CommandLine(args, ["--store"]);
        if (line.Help) return Print(Usage, 0);
        var words = line.Positional;
        if (words.Count == 0) throw new UsageException("checkpoints needs a subcommand: list, show or delete");
        var store = CheckpointStore.Parse(line.Store);
        switch (words[0])
        {
            case "list" when words.Count == 1:
                StoreProbe.Check(store);
                var catalog = new CheckpointCatalog(store);
                catalog.EnsureCreated();
                List(catalog.List(), store);
                return 0;
            case "show" when words.Count == 2:
                return Show(store, words[1]);
            case "delete" when words.Count == 2:
                return Delete(store, words[1]);
            case "list" or "show" or "delete":
                throw new UsageException($"checkpoints {words[0]} takes {(words[0] == "list" ? "no" : "one")} argument{(words[0] == "list" ? "s" : " (an id or a name)")}");
            default:
                throw new UsageException($"unknown checkpoints subcommand '{words[0]}'");
        }
    }

    private static void List(IReadOnlyList<CheckpointManifest> all, CheckpointStore store)
    {
        if (all.Count == 0)
        {
            Console.WriteLine($"No checkpoints in {store.Description}.");
            return;
        }
        Console.WriteLine($"{"id",-24}  {"name",-12}  {"step",10}  {"time (UTC)",-19}  {"shards",6}  {"variables",9}  {"bytes",12}  job");
        foreach (var m in all.Reverse())
            Console.WriteLine($"{m.Id,-24}  {m.Name ?? "",-12}  {m.Step,10}  {m.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {m.Shards.Length,6}  {m.Variables.Length,9}  {m.TotalBytes,12}  {m.Job}");
    }

    private static int Show(CheckpointStore store, string key)
    {
        StoreProbe.Check(store);
        var catalog = new CheckpointCatalog(store);
        catalog.EnsureCreated();
        if (catalog.Find(key) is not { } m) return NotFound(store, key);
        Console.WriteLine($"id         {m.Id}");
        Console.WriteLine($"name       {m.Name ?? "(none)"}");
        Console.WriteLine($"step       {m.Step}");
        Console.WriteLine($"time       {m.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff} UTC");
        Console.WriteLine($"job        {m.Job}");
        Console.WriteLine($"shards     {m.Shards.Length}");
        foreach (var s in m.Shards) Console.WriteLine($"  /job:ps/task:{s.Task}  {s.PersistenceId} #{s.SequenceNr}");
        Console.WriteLine($"variables  {m.Variables.Length} ({m.TotalBytes} bytes)");
        foreach (var v in m.Variables) Console.WriteLine($"  {v.Name,-32} {v.DType.PythonName(),-8} [{string.Join(",", v.Shape)}]  /job:ps/task:{v.Task}");
        return 0;
    }

    private static int Delete(CheckpointStore store, string key)
    {
        using var system = ActorSystem.Create("actorgraph-cli", Config);
        var checkpoints = new Checkpoints(system, store);
        if (checkpoints.Catalog.Find(key) is not { } m) return NotFound(store, key);
        checkpoints.DeleteAsync(m).Wait(TimeSpan.FromSeconds(60));
        Console.WriteLine($"Deleted checkpoint {m.Id} (step {m.Step}) from {store.Description}.");
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static int NotFound(CheckpointStore store, string key)
    {
        Console.Error.WriteLine($"checkpoints: no checkpoint '{key}' in {store.Description}.");
        return 1;
    }

    public static Config Config { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """).WithFallback(ActorGraphSerialization.Hocon);

    private static int Print(string text, int code)
    {
        Console.WriteLine(text);
        return code;
    }
}
