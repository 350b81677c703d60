using ActorGraph.Execution;
using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using Akka.Actor;

namespace ActorGraph.Host;

// A long-running training loop on one persistent parameter-server shard, for kill tests and demos:
// each step is one acknowledged AssignAdd of 1 to "count", so after a crash the count tells exactly
// what survived. Restarted on the same store and job, it resumes where its shard recovered to.
internal static class TrainDemo
{
    public const string Usage = """
        actorgraph train-demo [--store CONNECTION] [--job NAME] [--durability checkpoint|journal]
                              [--checkpoint-every N] [--keep N] [--steps N]

          --job               the training job whose parameter server resumes (default train-demo)
          --durability        checkpoint (default): a crash returns to the last checkpoint;
                              journal: every acknowledged update survives a crash
          --checkpoint-every  a checkpoint every N steps (default 50; 0: none)
          --keep              checkpoints kept in the store (default 5)
          --steps             stop after N steps (default: run until killed)

        Prints one line per event: "resumed step=S count=C checkpoint=ID" or "started", then
        "ack STEP COUNT" for each acknowledged update and "checkpoint ID step=S count=C" for each checkpoint.
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static int Run(string[] args)
    {
        var line = new CommandLine(args, ["--store", "--job", "--durability", "--checkpoint-every", "--keep", "--steps"]);
        if (line.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (line.Positional.Count > 0) throw new UsageException($"train-demo takes no argument '{line.Positional[0]}'");
        var store = CheckpointStore.Parse(line.Store);
        var job = line.Get("--job") ?? "train-demo";
        var durability = line.Enum("--durability", Durability.Checkpoint);
        int every = line.Int("--checkpoint-every", 50), keep = line.Int("--keep", 5, min: 1), steps = line.Int("--steps", 0);
        var output = Console.Out;

        using var system = ActorSystem.Create("actorgraph-train", CheckpointsCommand.Config);
        var checkpoints = new Checkpoints(system, store);
        var shard = system.ActorOf(ShardActor.Props(0, ShardPersistence.On(store, job, 0, durability)), "ps-0");
        output.WriteLine($"store {store.Description} job={job} durability={durability.ToString().ToLowerInvariant()}");

        var status = shard.Ask<ShardStatus>(new GetShardStatus(), Timeout).Result;
        long step = Math.Max(0, status.LastStep);
        if (status.Variables.Contains("count"))
        {
            var count = Answer<VariablesRead>(shard, new ReadVariables(step, ["count"])).Values[0]!.ToScalar<long>();
            output.WriteLine($"resumed step={step} count={count} checkpoint={status.RecoveredCheckpoint ?? "none"}");
        }
        else
        {
            Answer<UpdatesApplied>(shard, new ApplyUpdates(0, [new WireUpdate(UpdateKind.Assign, "count", [], [NDArray.Scalar(0L)])]));
            output.WriteLine("started");
        }
        output.Flush();

        for (int done = 0; steps == 0 || done < steps; done++)
        {
            step++;
            var applied = Answer<UpdatesApplied>(shard, new ApplyUpdates(step, [new WireUpdate(UpdateKind.AssignAdd, "count", [], [NDArray.Scalar(1L)])]));
            long count = applied.Values[0].ToScalar<long>();
            output.WriteLine($"ack {step} {count}");
            if (every > 0 && step % every == 0)
            {
                var manifest = checkpoints.SaveAsync([shard], job, step, keep: keep).Wait(Timeout, out var m) ? m : throw new TimeoutException("checkpoint");
                output.WriteLine($"checkpoint {manifest.Id} step={step} count={count}");
            }
            output.Flush();
        }
        output.WriteLine("done");
        system.Terminate().Wait(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static T Answer<T>(IActorRef shard, object command) => shard.Ask<object>(command, Timeout).Result switch
    {
        T reply => reply,
        ShardRequestFailed failed => throw failed.ToException(),
        var other => throw new InternalException($"The parameter server answered {other.GetType().Name}."),
    };

    private static bool Wait<T>(this Task<T> task, TimeSpan timeout, out T result)
    {
        bool done = task.Wait(timeout);
        result = done ? task.Result : default!;
        return done;
    }
}
