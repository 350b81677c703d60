using System.Runtime.Intrinsics.X86;
using ActorGraph.Bench.Benches;
using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench;

public static class Program
{
    // One entry per bench: name, what it measures (one line), its own options (shown by `<bench> --help`), and Run.
    static readonly (string Name, string Summary, string Options, Action<Options, Report> Run)[] Benches =
    [
        ("gemm", "sgemm GFLOP/s: square sizes on 1 and 2 threads vs a naive loop, MLP-layer and small shapes",
            "--sizes 256,1024  --threads 1,2  --only square,mlp,small  --clock wall|thread-cpu  --kc N --mc N --nc N (block sizes, for tuning)", GemmBench.Run),
        ("conv", "Conv2D GFLOP/s, forward and both gradients, for the Fashion-MNIST CNN's two layers (5x5 SAME) at batch 100",
            "--batch N (100)  --only conv1,conv2  --no-gemm (skip the plain-product baseline rows)  --block ELEMENTS  --parts N (im2col block size and parts per thread, for tuning)", ConvBench.Run),
        ("cnn", "the Fashion-MNIST CNN's training step (two 5x5 convolutions, dense 1024, dropout, Adam), samples/s, executor alone and local mode",
            "--mode executor|local (local: both rows)  --batch N (100)  --steps N (10 per trial)  --trials N (5)  --profile (ms per step by op type)", CnnBench.Run),
        ("seed-loop", "the seed's 100,000-step loop through Session.Run, us/step, beside a hand-written float loop and the executor alone",
            "--mode executor|local --workers N --ps N --steps N --trials N", SeedLoopBench.Run),
        ("mlp", "784-256-256-10 MLP training step, samples/s, executor alone, local mode and (--mode cluster) a loopback cluster of node processes",
            "--mode executor|local|cluster [--cluster-only] --workers N --ps N --cluster-workers N (2) --cluster-ps N (1) --batch N --steps N --trials N", MlpBench.Run),
        ("input", "the MLP of `mlp` on Fashion-MNIST from a Dataset read where GetNext runs, samples/s beside the feed_dict loop; --mode cluster: a loopback cluster's client bytes/step and sync data-parallel",
            "--mode local|cluster  --data DIR  --batch N (128)  --steps N (100)  --trials N (5)  --cluster-workers N (2)  --cluster-ps N (1)", InputBench.Run),
        ("transport", "tensors between two processes on loopback: MiB/s, KiB allocated/msg, 64 B round trip us; Akka.Remote vs the tensor channel",
            "--sizes-mib 1,16 --in-flight 1,4 --only akka-remote,channel,channel-pooled,channel-lane --pings N --socket-buffer BYTES", TransportBench.Run),
        ("checkpoint", "checkpoint save and restore, seconds, 1 MB and 100 MB of float32 variables on SQLite and PostgreSQL",
            "--mb 1,100 | --table ROWSxDIM --stores sqlite,postgres --postgres CONNECTION --trials N", CheckpointBench.Run),
        ("plan", "planning cost: the first Run of a chain of N ops in local mode and the next Run, ms",
            "--ops N (10000)  --trials N (5)  --warmup N (2)", PlanBench.Run),
        ("loop", "a WhileLoop of N scalar iterations, us per iteration, executor alone and local mode",
            "--iterations N (10000)  --mode executor,local  --trials N (7)  --warmup N (2)", LoopBench.Run),
        ("rnn", "the Fashion-MNIST recurrent network's training step (28 steps of a Tanh 128 cell, dense 10, Adam), samples/s, local mode, WhileLoop vs unrolled",
            "--batch N (100)  --steps N (10 per trial)  --trials N (5)", RnnBench.Run),
        ("updates", "gradient-descent updates/s applied by one shard, checkpoint vs journal durability, 1 and 64 in flight",
            "--in-flight 1,64 --stores sqlite,postgres --postgres CONNECTION --journal-updates N --memory-updates N", UpdatesBench.Run),
        ("embedding", "the click-through model's step (26 Zipf fields into a rows x 16 table, 416-256-128-1 MLP, per-id weights), samples/s per table size, and the bytes a step may carry",
            "--rows 10000,1000000,10000000 --mode local|cluster --ps N (2) --parts N (= ps) --workers N (1) --batch N (512) --steps N (20) --trials N (5) --optimizer adagrad|sgd", EmbeddingBench.Run),
    ];

    const string SharedOptions = "shared options: --trials N (7)  --warmup N (2)  --min-trial-ms MS (200)";

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            Usage(Console.Out);
            return args.Length == 0 ? 2 : 0;
        }
        var bench = Benches.FirstOrDefault(b => b.Name == args[0]);
        if (bench.Name is null)
        {
            Console.Error.WriteLine($"unknown bench '{args[0]}'");
            Usage(Console.Error);
            return 2;
        }
        try
        {
            var options = Options.Parse(args[1..]);
            if (options.Has("help"))
            {
                Console.WriteLine($"{bench.Name}: {bench.Summary}\noptions: {bench.Options}\n{SharedOptions}");
                return 0;
            }
            var report = new Report(bench.Name);
            Console.WriteLine(Environment());
            bench.Run(options, report);
            foreach (string unread in options.Unread)
                Console.Error.WriteLine($"warning: option --{unread} was not used by {bench.Name}");
            report.Print(Console.Out);
            return 0;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            Console.Error.WriteLine($"{bench.Name}: {e.Message}");
            return 2;
        }
    }

    static void Usage(TextWriter output)
    {
        output.WriteLine("usage: dotnet run -c Release --project bench -- <bench> [options]");
        foreach (var (name, summary, _, _) in Benches)
            output.WriteLine($"  {name,-12} {summary}");
        output.WriteLine(SharedOptions);
    }

    // Numbers from a Debug build or a machine without FMA are not comparable; say so next to them.
    static string Environment()
    {
#if DEBUG
        const string config = "DEBUG BUILD - figures are meaningless";
#else
        const string config = "Release";
#endif
        return $"# {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Environment.ProcessorCount} cores, " +
            $"AVX2={Avx2.IsSupported} FMA={Fma.IsSupported} AVX-512={Avx512F.IsSupported}, {config}";
    }
}
