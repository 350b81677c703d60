using System.CommandLine;
using ActorGraph.Host.Cli;

namespace ActorGraph.Host.Commands;

// `actorgraph train-demo`: a long-running training loop in local mode (coordinator, worker and a
// persistent parameter server as actors) for kill tests and demos. Each step is one AssignAdd of 1
// to the int64 variable "count", so after a crash the count tells exactly what survived. Started
// again on the same store and job, the parameter server recovers: the last checkpoint, plus the
// journal in journal mode. One line per event on standard output:
//   "resumed count=C latest=ID" or "started"; "ack C" per acknowledged update; "checkpoint ID count=C".
internal static class TrainDemoCommand
{
    public static Command Create()
    {
        var store = StoreOption.Create();
        var job = new Option<string>("--job") { Description = "The training job whose parameter server resumes", DefaultValueFactory = _ => "train-demo", HelpName = "NAME" };
        var durability = new Option<string>("--durability")
        {
            Description = "checkpoint: a crash returns to the last checkpoint; journal: every acknowledged update survives a crash",
            DefaultValueFactory = _ => "checkpoint",
        };
        durability.AcceptOnlyFromAmong("checkpoint", "journal");
        var every = new Option<int>("--checkpoint-every") { Description = "Saver.Save every N steps (0: never)", DefaultValueFactory = _ => 50, HelpName = "N" };
        var keep = CommonOptions.Positive("--keep", 5, "Checkpoints the store keeps");
        var steps = new Option<int>("--steps") { Description = "Stop after N steps (0: run until killed)", DefaultValueFactory = _ => 0, HelpName = "N" };
        var large = new Option<int>("--large")
        {
            Description = "N variables of 4.5 MB beside the count, so each checkpoint writes chunks (kill tests of their cleanup)",
            DefaultValueFactory = _ => 0,
            HelpName = "N",
        };
        var command = new Command("train-demo", "Count up on a persistent parameter server until killed, printing every acknowledged update (for kill tests)")
        {
            store, job, durability, every, keep, steps, large,
        };
        command.SetAction(parsed => Run(new SessionOptions
        {
            CheckpointStore = StoreOption.ConnectionString(parsed.GetValue(store)),
            CheckpointJob = parsed.GetValue(job),
            Durability = parsed.GetValue(durability) == "journal" ? Durability.Journal : Durability.Checkpoint,
            CheckpointsToKeep = parsed.GetValue(keep),
        }, Math.Max(0, parsed.GetValue(every)), Math.Max(0, parsed.GetValue(steps)), Math.Max(0, parsed.GetValue(large))));
        return command;
    }

    private static int Run(SessionOptions options, int every, int steps, int large)
    {
        var output = Console.Out;
        var graph = new Graph();
        Variable count;
        Tensor add;
        Operation init;
        using (graph.AsDefault())
        {
            count = TF.GetVariable("count", [], DType.Int64, TF.ZerosInitializer());
            add = TF.AssignAdd(count, TF.Constant(1L));
            // Just above one chunk (ChunkTable.ChunkBytes), so each is written as two.
            for (int i = 0; i < large; i++) TF.GetVariable($"large_{i}", [1_125_000], DType.Float32, TF.ZerosInitializer());
            init = TF.GlobalVariablesInitializer();
        }
        using var session = new Session(graph, options);
        var saver = new Saver([count]);
        output.WriteLine($"job={session.CheckpointJob} durability={options.Durability.ToString().ToLowerInvariant()}");
        try
        {
            // The parameter server of this job came back with its state: train on from there.
            long resumed = session.Run(count).ToScalar<long>();
            output.WriteLine($"resumed count={resumed} latest={saver.Latest(session) ?? "none"}");
        }
        catch (FailedPreconditionException)
        {
            session.Run(init);
            output.WriteLine("started");
        }
        output.Flush();
        for (int done = 0; steps == 0 || done < steps; done++)
        {
            long value = session.Run(add).ToScalar<long>();
            output.WriteLine($"ack {value}");
            if (every > 0 && value % every == 0) output.WriteLine($"checkpoint {saver.Save(session)} count={value}");
            output.Flush();
        }
        output.WriteLine("done");
        return ExitCodes.Ok;
    }
}
