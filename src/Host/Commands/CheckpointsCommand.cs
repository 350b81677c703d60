using System.CommandLine;
using ActorGraph.Host.Cli;
using ActorGraph.Messaging;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;
using Akka.Configuration;

namespace ActorGraph.Host.Commands;

// `actorgraph checkpoints list|show|delete --store …`: a store's checkpoints, without a training session.
internal static class CheckpointsCommand
{
    public static Command Create()
    {
        var command = new Command("checkpoints", "List, show or delete the checkpoints in a store");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(Delete());
        return command;
    }

    private static Command List()
    {
        var store = StoreOption.Create();
        var command = new Command("list", "The store's checkpoints, newest first") { store };
        command.SetAction(parsed =>
        {
            var s = Open(parsed.GetValue(store));
            var all = Catalog(s).List();
            if (all.Count == 0)
            {
                Console.WriteLine($"No checkpoints in {s.Description}.");
                return ExitCodes.Ok;
            }
            Console.WriteLine($"{"id",-24}  {"name",-12}  {"step",8}  {"time (UTC)",-19}  {"shards",6}  {"variables",9}  {"bytes",12}  job");
            foreach (var m in all.Reverse())
                Console.WriteLine($"{m.Id,-24}  {m.Name ?? "",-12}  {m.Step,8}  {m.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {m.Shards.Length,6}  {m.Variables.Length,9}  {m.TotalBytes,12}  {m.Job}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show()
    {
        var store = StoreOption.Create();
        var id = new Argument<string>("checkpoint") { Description = "Its id, or its name (the newest of that name)" };
        var command = new Command("show", "One checkpoint: step, time, shards and every variable's dtype and shape") { id, store };
        command.SetAction(parsed =>
        {
            var s = Open(parsed.GetValue(store));
            var m = Find(Catalog(s), s, parsed.GetValue(id)!);
            Console.WriteLine($"id         {m.Id}");
            Console.WriteLine($"name       {m.Name ?? "(none)"}");
            Console.WriteLine($"step       {m.Step}");
            Console.WriteLine($"time       {m.Time.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff} UTC");
            Console.WriteLine($"job        {m.Job}");
            Console.WriteLine($"shards     {m.Shards.Length}");
            foreach (var shard in m.Shards) Console.WriteLine($"  /job:ps/task:{shard.Task}  {shard.PersistenceId} #{shard.SequenceNr}");
            Console.WriteLine($"variables  {m.Variables.Length} ({m.TotalBytes} bytes)");
            foreach (var v in m.Variables) Console.WriteLine($"  {v.Name,-32} {v.DType.PythonName(),-8} [{string.Join(",", v.Shape)}]  /job:ps/task:{v.Task}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete()
    {
        var store = StoreOption.Create();
        var id = new Argument<string>("checkpoint") { Description = "Its id, or its name (the newest of that name)" };
        var command = new Command("delete", "Delete a checkpoint: its manifest, then its snapshots") { id, store };
        command.SetAction(parsed =>
        {
            var s = Open(parsed.GetValue(store));
            using var logging = CommonOptions.Logging(parsed);
            using var system = Coordinator.Logging.AkkaLogging.CreateSystem("actorgraph-cli", Quiet, logging);
            var checkpoints = new ParameterServer.Persistence.Checkpoints(system, s);
            var m = Find(checkpoints.Catalog, s, parsed.GetValue(id)!);
            checkpoints.DeleteAsync(m).WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            Console.WriteLine($"Deleted checkpoint {m.Id} (step {m.Step}) from {s.Description}.");
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static CheckpointStore Open(string? given)
    {
        var store = CheckpointStore.Parse(StoreOption.ConnectionString(given));
        StoreProbe.Check(store);
        return store;
    }

    private static CheckpointCatalog Catalog(CheckpointStore store)
    {
        var catalog = new CheckpointCatalog(store);
        catalog.EnsureCreated();
        return catalog;
    }

    private static CheckpointManifest Find(CheckpointCatalog catalog, CheckpointStore store, string key) =>
        catalog.Find(key) ?? throw new CliException($"no checkpoint '{key}' in {store.Description}.");

    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """).WithFallback(ActorGraphSerialization.Hocon);
}
