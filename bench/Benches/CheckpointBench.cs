using System.Diagnostics;
using System.Runtime.InteropServices;
using ActorGraph.Bench.Harness;
using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph.Bench.Benches;

// Save and restore of a checkpoint of 1 MB and 100 MB of float32 variables (four variables per shard, one
// shard), through Akka.Persistence.Sql on SQLite and PostgreSQL. Save: snapshot stored and manifest
// recorded; restore: snapshot read, checked and installed into a fresh shard. --table ROWSxDIM measures one float32
// embedding table of that shape instead (--table 10000000x16: 640 MB in one variable).
public static class CheckpointBench
{
    public static void Run(Options options, Report report)
    {
        var table = options.String("table", "");
        int[] sizes = table.Length > 0 ? [0] : options.Ints("mb", 1, 100);
        int trials = options.Int("trials", 5), warmup = options.Int("warmup", 1);
        foreach (var kind in StoreBenchSetup.Kinds(options))
        {
            if (StoreBenchSetup.Create(options, kind) is not { } store) continue;
            using var system = StoreBenchSetup.System();
            var checkpoints = new Checkpoints(system, store);
            foreach (int mb in sizes)
            {
                var shard = system.ActorOf(ShardActor.Props(0, ShardPersistence.On(store, $"bench-{mb}", 0, Durability.Checkpoint)));
                var expected = table.Length > 0 ? FillTable(shard, table) : Fill(shard, mb);
                CheckpointManifest? last = null;
                var save = Measure.Trials(() =>
                {
                    var clock = Stopwatch.StartNew();
                    last = checkpoints.SaveAsync([shard], $"bench-{mb}", 1, keep: 2).GetAwaiter().GetResult();
                    return clock.Elapsed.TotalSeconds;
                }, warmup, trials);
                (string, object) size = table.Length > 0 ? ("table", table) : ("mb", mb);
                var saved = report.Add("save", [("store", kind), size], save, "s");
                var restore = Measure.Trials(() =>
                {
                    var fresh = system.ActorOf(ShardActor.Props(1));
                    var clock = Stopwatch.StartNew();
                    checkpoints.RestoreAsync([fresh], last!, expected, _ => 0).GetAwaiter().GetResult();
                    double seconds = clock.Elapsed.TotalSeconds;
                    system.Stop(fresh);
                    return seconds;
                }, warmup, trials);
                report.Add("restore", [("store", kind), size], restore, "s", saved);
                system.Stop(shard);
            }
        }
    }

    // One float32 table of ROWSxDIM, random bits.
    private static Dictionary<string, (DType, Shape)> FillTable(IActorRef shard, string table)
    {
        var dims = table.Split('x');
        if (dims.Length != 2 || !int.TryParse(dims[0], out int rows) || !int.TryParse(dims[1], out int dim) || rows < 1 || dim < 1 || (long)rows * dim > int.MaxValue)
            throw new ArgumentException($"--table takes ROWSxDIM (e.g. 10000000x16), not '{table}'.");
        var data = new float[rows * dim];
        new Random(1).NextBytes(MemoryMarshal.AsBytes(data.AsSpan()));
        var value = NDArray.FromArray(data, new Shape(rows, dim));
        var reply = shard.Ask<object>(new ApplyUpdates(0, [new WireUpdate(UpdateKind.Assign, "embedding/table", [], [value])]), TimeSpan.FromSeconds(120)).GetAwaiter().GetResult();
        if (reply is not UpdatesApplied) throw new InvalidOperationException($"Assign of embedding/table: {reply}");
        return new() { ["embedding/table"] = (DType.Float32, value.Shape) };
    }

    // Four float32 variables of mb/4 MB each, random bits; returns what a restore expects.
    private static Dictionary<string, (DType, Shape)> Fill(IActorRef shard, int mb)
    {
        var expected = new Dictionary<string, (DType, Shape)>();
        int floats = mb * (1 << 20) / 4 / 4;
        for (int v = 0; v < 4; v++)
        {
            var data = new float[floats];
            new Random(v).NextBytes(MemoryMarshal.AsBytes(data.AsSpan()));
            var name = $"layer{v}/kernel";
            var value = NDArray.FromArray(data, new Shape(floats / 256, 256));
            var reply = shard.Ask<object>(new ApplyUpdates(0, [new WireUpdate(UpdateKind.Assign, name, [], [value])]), TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
            if (reply is not UpdatesApplied) throw new InvalidOperationException($"Assign of {name}: {reply}");
            expected[name] = (DType.Float32, value.Shape);
        }
        return expected;
    }
}
