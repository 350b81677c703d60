using ActorGraph;
using ActorGraph.Host;

try
{
    return args.FirstOrDefault() switch
    {
        "demo" => Demo.Run(args[1..]),
        "checkpoints" => CheckpointsCommand.Run(args[1..]),
        "train-demo" => TrainDemo.Run(args[1..]),
        null or "--help" or "-h" or "help" => Usage(0),
        var other => Usage(2, $"Unknown command '{other}'."),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"actorgraph {args[0]}: {e.Message}. See actorgraph {args[0]} --help.");
    return 2;
}
catch (Exception e) when (Unwrap(e) is ActorGraphException error)
{
    Console.Error.WriteLine($"actorgraph {args[0]}: {error.GetType().Name.Replace("Exception", "")}: {error.Message}");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine($"actorgraph {args[0]}: failed: {Unwrap(e)}");
    return 1;
}

static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? Unwrap(inner) : e;

static int Usage(int code, string? problem = null)
{
    if (problem is not null) Console.Error.WriteLine(problem);
    Console.WriteLine($"""
        actorgraph — TensorFlow 1's define-and-run graphs on Akka.NET actors

        Commands:
          demo [--steps N]   the seed's linear regression: prints the true and the learned m and b
          checkpoints list|show|delete [--store CONNECTION]
                             the checkpoints in a store (see actorgraph checkpoints --help)
          train-demo [--store CONNECTION] [--durability checkpoint|journal] [--checkpoint-every N] …
                             a long-running training loop on a persistent parameter server (see --help)

        Exit codes: 0 ok, 1 failure, 2 usage.
        """);
    return code;
}
