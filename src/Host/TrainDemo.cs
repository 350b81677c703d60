namespace ActorGraph.Host;

// A long-running training loop in local mode (coordinator, worker and a persistent parameter server as
// actors), for kill tests and demos: each step is one AssignAdd of 1 to the int64 variable "count",
// so after a crash the count tells exactly what survived. Restarted on the same store and job, the
// parameter server recovers its state: the last checkpoint, plus the journal in journal mode.
internal static class TrainDemo
{
    public const string Usage = """
        actorgraph train-demo [--store CONNECTION] [--job NAME] [--durability checkpoint|journal]
                              [--checkpoint-every N] [--keep N] [--steps N]

          --job               the training job whose parameter server resumes (default train-demo)
          --durability        checkpoint (default): a crash returns to the last checkpoint;
                              journal: every acknowledged update survives a crash
          --checkpoint-every  Saver.Save every N steps (default 50; 0: none)
          --keep              checkpoints kept in the store (default 5)
          --steps             stop after N steps (default: run until killed)

        Prints one line per event: "resumed count=C latest=ID" or "started", then "ack C" for each
        acknowledged update and "checkpoint ID count=C" for each checkpoint.
        """;

    public static int Run(string[] args)
    {
        var line = new CommandLine(args, ["--store", "--job", "--durability", "--checkpoint-every", "--keep", "--steps"]);
        if (line.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }
        if (line.Positional.Count > 0) throw new UsageException($"train-demo takes no argument '{line.Positional[0]}'");
        var options = new SessionOptions
        {
            CheckpointStore = line.Store ?? ParameterServer.Persistence.CheckpointStore.DefaultConnectionString,
            CheckpointJob = line.Get("--job") ?? "train-demo",
            Durability = line.Enum("--durability", Durability.Checkpoint),
            CheckpointsToKeep = line.Int("--keep", 5, min: 1),
        };
        int every = line.Int("--checkpoint-every", 50), steps = line.Int("--steps", 0);
        var output = Console.Out;

        var graph = new Graph();
        Variable count;
        Tensor add;
        using (graph.AsDefault())
        {
            count = TF.GetVariable("count", [], DType.Int64, TF.ZerosInitializer());
            add = TF.AssignAdd(count, TF.Constant(1L));
        }
        using var session = new Session(graph, options);
        var saver = new Saver([count]);
        output.WriteLine($"job={session.CheckpointJob} durability={options.Durability.ToString().ToLowerInvariant()}");
        long value;
        try
        {
            // The parameter server of this job came back with its state: train on from there.
            value = session.Run(count).ToScalar<long>();
            output.WriteLine($"resumed count={value} latest={saver.Latest(session) ?? "none"}");
        }
        catch (FailedPreconditionException)
        {
            session.Run(count.Initializer);
            value = 0;
            output.WriteLine("started");
        }
        output.Flush();

        for (int done = 0; steps == 0 || done < steps; done++)
        {
            value = session.Run(add).ToScalar<long>();
            output.WriteLine($"ack {value}");
            if (every > 0 && value % every == 0)
                output.WriteLine($"checkpoint {saver.Save(session)} count={value}");
            output.Flush();
        }
        output.WriteLine("done");
        return 0;
    }
}
