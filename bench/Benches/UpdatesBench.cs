using System.Diagnostics;
using ActorGraph.Bench.Harness;
using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph.Bench.Benches;

// Gradient-descent updates applied per second by one shard (a 1024-float variable), in checkpoint mode
// (in memory until a checkpoint) and journal mode (each acknowledged update journaled first), with one
// update in flight at a time (a step's round trip) and with many in flight (the journal batches writes).
public static class UpdatesBench
{
    public static void Run(Options options, Report report)
    {
        // Journaled updates wait for the database, in-memory ones do not: each gets a trial of about a second.
        int journaled = options.Int("journal-updates", 300), inMemory = options.Int("memory-updates", 50_000);
        int trials = options.Int("trials", 5), warmup = options.Int("warmup", 1);
        int[] inFlight = options.Ints("in-flight", 1, 64);
        foreach (var kind in StoreBenchSetup.Kinds(options))
        {
            if (StoreBenchSetup.Create(options, kind) is not { } store) continue;
            using var system = StoreBenchSetup.System();
            StorePlugins.Attach(system, store);
            foreach (int window in inFlight)
            {
                Row? baseline = null;
                foreach (var durability in new[] { Durability.Checkpoint, Durability.Journal })
                {
                    var shard = system.ActorOf(ShardActor.Props(0, ShardPersistence.On(store, $"updates-{durability}-{window}", 0, durability)));
                    Ask(shard, new ApplyUpdates(0, [new WireUpdate(UpdateKind.Assign, "w", [], [NDArray.FromArray(new float[1024], new Shape(1024))])]));
                    var update = new WireUpdate(UpdateKind.GradientDescent, "w", [], [NDArray.Scalar(0.01f), NDArray.FromArray(Enumerable.Repeat(0.5f, 1024).ToArray(), new Shape(1024))]);
                    long step = 0;
                    int updates = durability == Durability.Journal ? journaled * Math.Min(window, 10) : inMemory;
                    var stats = Measure.Trials(() =>
                    {
                        var clock = Stopwatch.StartNew();
                        var pending = new Queue<Task<object>>();
                        for (int i = 0; i < updates; i++)
                        {
                            if (pending.Count == window) Check(pending.Dequeue().GetAwaiter().GetResult());
                            pending.Enqueue(shard.Ask<object>(new ApplyUpdates(++step, [update]), TimeSpan.FromSeconds(60)));
                        }
                        while (pending.Count > 0) Check(pending.Dequeue().GetAwaiter().GetResult());
                        return updates / clock.Elapsed.TotalSeconds;
                    }, warmup, trials);
                    var row = report.Add("updates_per_s", [("store", kind), ("durability", durability.ToString().ToLowerInvariant()), ("in_flight", window)], stats, "updates/s", baseline);
                    baseline ??= row;
                    system.Stop(shard);
                }
            }
        }
    }

    private static void Ask(IActorRef shard, object command) => Check(shard.Ask<object>(command, TimeSpan.FromSeconds(60)).GetAwaiter().GetResult());

    private static void Check(object reply)
    {
        if (reply is not UpdatesApplied) throw new InvalidOperationException($"The shard answered {reply}.");
    }
}
