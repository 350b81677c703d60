using ActorGraph.Host;

return args.FirstOrDefault() switch
{
    "demo" => Demo.Run(args[1..]),
    null or "--help" or "-h" or "help" => Usage(0),
    var other => Usage(2, $"Unknown command '{other}'."),
};

static int Usage(int code, string? problem = null)
{
    if (problem is not null) Console.Error.WriteLine(problem);
    Console.WriteLine("""
        actorgraph — TensorFlow 1's define-and-run graphs on Akka.NET actors

        Commands:
          demo [--steps N]   the seed's linear regression: prints the true and the learned m and b
        """);
    return code;
}
