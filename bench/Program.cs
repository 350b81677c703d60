using ActorGraph.Bench.Benches;

namespace ActorGraph.Bench;

// A minimal runner until the shared harness lands: one bench per first argument.
public static class Program
{
    public static int Main(string[] args) => args.FirstOrDefault() switch
    {
        "seed-loop" => SeedLoopBench.Run(args[1..]),
        "mlp" => MlpBench.Run(args[1..]),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- seed-loop --mode local [--workers 2 --ps 2] [--steps N] [--trials N]\n" +
            "       dotnet run -c Release --project bench -- mlp --mode local [--workers N --ps N] [--steps N] [--batch N]");
        return 2;
    }
}
