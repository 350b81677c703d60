using System.CommandLine;
using System.Diagnostics;
using ActorGraph.Host.Cli;
using Microsoft.Extensions.Logging;

namespace ActorGraph.Host.Commands;

// `actorgraph demo`: the seed's linear regression, y = m·x + b learned by gradient descent, one
// step per Run, as the seed writes it.
internal static class DemoCommand
{
    private const int ReportEvery = 1024;

    public static Command Create()
    {
        var steps = CommonOptions.Positive("--steps", 100_000, "Training steps, one sess.Run([loss, trainOp]) each");
        var workers = CommonOptions.Positive("--workers", 1, "Worker actors in local mode");
        var ps = CommonOptions.Positive("--ps", 1, "Parameter-server actors in local mode");
        var cluster = CommonOptions.Cluster();
        var seed = new Option<int?>("--seed") { Description = "Seed of the true parameters and the inputs (default: random)", HelpName = "N" };
        var store = new Option<string?>("--store") { Description = "Where the final checkpoint goes (Data Source=path.db for SQLite, or a PostgreSQL connection string); default actorgraph.db here", HelpName = "CONN" };
        var noCheckpoint = new Option<bool>("--no-checkpoint") { Description = "Do not write a checkpoint at the end" };
        var access = new ClusterAccessOptions();
        var saveGraph = SaveGraphOption.Create();
        var command = new Command("demo", "The seed's linear regression: learns m and b of y = m·x + b, then prints the true and the learned values")
        {
            steps, workers, ps, cluster, seed, store, noCheckpoint, saveGraph,
        };
        foreach (var option in access.All) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            using var logging = CommonOptions.Logging(parsed);
            var address = CommonOptions.CheckCluster(parsed.GetValue(cluster));
            var clusterAccess = access.ForClient(parsed, address);
            var checkpointStore = parsed.GetValue(noCheckpoint) ? null
                : parsed.GetValue(store) ?? ParameterServer.Persistence.CheckpointStore.DefaultConnectionString;
            return Run(parsed.GetValue(steps), parsed.GetValue(workers), parsed.GetValue(ps), address, clusterAccess, parsed.GetValue(seed), checkpointStore,
                parsed.GetValue(saveGraph), logging);
        });
        return command;
    }

    private static int Run(int steps, int workers, int ps, string? cluster, ClusterAccess access, int? seed, string? checkpointStore, string? saveGraph, ILoggerFactory logging)
    {
        var log = logging.CreateLogger("demo");
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var model = LinearRegression.Build();
        log.LogDebug("Built the graph: {Count} operations", graph.Operations.Count);
        SaveGraphOption.Write(graph, saveGraph);

        using var sess = new Session(graph, new SessionOptions
        {
            Workers = workers, ParameterServers = ps, Cluster = cluster, CheckpointStore = checkpointStore, Logger = logging.CreateLogger("session"),
            LoggerFactory = logging, ClusterSecret = access.Secret, ClusterCertificate = access.CertificatePath, ClusterCertificatePassword = access.Tls?.Password,
        });
        var retrying = new ClusterSteps(cluster is not null);
        retrying.Run(() => sess.Run([model.Init]));
        var rng = seed is { } s ? new Random(s) : new Random();
        float trueM = rng.NextSingle(), trueB = rng.NextSingle();
        var clock = Stopwatch.StartNew();
        Progress.Run("training", steps, progress =>
        {
            double windowLoss = 0;
            int window = 0;
            for (int i = 0; i < steps; i++)
            {
                float input = rng.NextSingle();
                var feed = new FeedDict { [model.X] = input, [model.Y] = trueM * input + trueB };
                var r = retrying.Run(() => sess.Run([model.Loss, model.TrainOp], feed));
                windowLoss += r[0]!.ToScalar<float>();
                window++;
                if ((i + 1) % ReportEvery == 0 || i == steps - 1)
                {
                    progress.Update(i + 1, $"loss {windowLoss / window:G4}  {(i + 1) / clock.Elapsed.TotalSeconds:N0} steps/s");
                    windowLoss = 0;
                    window = 0;
                }
            }
            return 0;
        });
        clock.Stop();
        var learned = retrying.Run(() => sess.Run([model.M, model.B]));
        Console.WriteLine($"True parameters: m={trueM:F4}, b={trueB:F4}");
        Console.WriteLine($"Learned parameters: m={learned[0]!.ToScalar<float>():F4}, b={learned[1]!.ToScalar<float>():F4}");
        Console.WriteLine($"{steps} steps in {clock.Elapsed.TotalSeconds:F2} s ({steps / clock.Elapsed.TotalSeconds:N0} steps/s, {Mode(workers, ps, cluster)})" +
            (retrying.Retried > 0 ? $"; {retrying.Retried} step(s) run again after a node left" : ""));
        if (checkpointStore is not null)
        {
            var id = retrying.Run(() => new Saver().Save(sess, "demo"));
            Console.WriteLine($"Checkpoint {id} written to {ParameterServer.Persistence.CheckpointStore.Parse(checkpointStore)} (list them: actorgraph checkpoints list)");
        }
        return ExitCodes.Ok;
    }

    internal static string Mode(int workers, int ps, string? cluster) =>
        cluster is null ? $"{workers} worker(s), {ps} parameter server(s), local mode" : $"cluster mode at {cluster}";
}

// The seed's regression graph, shared by the demo and the `graph` command's picture of it.
internal sealed record LinearRegression(Variable M, Variable B, Operation Init, Tensor X, Tensor Y, Tensor Loss, Operation TrainOp)
{
    public static LinearRegression Build()
    {
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var yGuess = m * x + b;
        var loss = TF.Square(y - yGuess);
        var trainOp = new GradientDescentOptimizer(1e-3).Minimize(loss);
        return new LinearRegression(m, b, init, x, y, loss, trainOp);
    }
}
