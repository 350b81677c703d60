using System.CommandLine;
using System.Diagnostics;
using ActorGraph.Host.Cli;
using ActorGraph.Host.Ctr;
using Microsoft.Extensions.Logging;

namespace ActorGraph.Host.Commands;

// `actorgraph train ctr`: the wide & deep click-through model on a generated click log with a planted truth,
// ending with its test AUC beside the generating model's own.
internal static class CtrCommand
{
    public static Command Create()
    {
        var shape = ClickLogShape.Default;
        var epochs = CommonOptions.Positive("--epochs", 3, "Passes over the training split");
        var batch = CommonOptions.Positive("--batch", 512, "Examples per training step (one Run)");
        var learningRate = new Option<double>("--learning-rate") { Description = "Adagrad's step size", DefaultValueFactory = _ => 0.25, HelpName = "RATE" };
        CommonOptions.Positive(learningRate);
        var rows = CommonOptions.Positive("--rows", shape.Rows, "Distinct ids over the 26 fields (rows of each table)");
        var trainExamples = CommonOptions.Positive("--train", shape.TrainExamples, "Training examples generated");
        var testExamples = CommonOptions.Positive("--test", shape.TestExamples, "Test examples generated");
        var dataSeed = new Option<int>("--data-seed") { Description = "Seed of the click log and its planted truth", DefaultValueFactory = _ => shape.Seed, HelpName = "N" };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the shuffling", DefaultValueFactory = _ => 1, HelpName = "N" };
        var parts = CommonOptions.Positive("--parts", 2, "Parts of each table (partitioned variables spread over the parameter servers)");
        var workers = CommonOptions.Positive("--workers", 1, "Worker actors in local mode");
        var ps = CommonOptions.Positive("--ps", 2, "Parameter-server actors in local mode (the tables' parts spread over them)");
        var store = new Option<string?>("--store") { Description = "Checkpoint store (Data Source=path.db for SQLite, or a PostgreSQL connection string): a checkpoint after every epoch", HelpName = "CONN" };
        var cluster = CommonOptions.Cluster();
        var access = new ClusterAccessOptions();
        var command = new Command("ctr", "A wide & deep click-through model on a generated click log (26 Zipf fields, a planted logistic truth), scored by test AUC")
        {
            epochs, batch, learningRate, rows, trainExamples, testExamples, dataSeed, seed, parts, workers, ps, store, cluster,
        };
        foreach (var option in access.All) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            using var logging = CommonOptions.Logging(parsed);
            var address = CommonOptions.CheckCluster(parsed.GetValue(cluster));
            var log = shape with
            {
                Rows = parsed.GetValue(rows), TrainExamples = parsed.GetValue(trainExamples), TestExamples = parsed.GetValue(testExamples), Seed = parsed.GetValue(dataSeed),
            };
            var settings = new Settings(log, parsed.GetValue(epochs), parsed.GetValue(batch), parsed.GetValue(learningRate), parsed.GetValue(seed),
                parsed.GetValue(parts), parsed.GetValue(workers), parsed.GetValue(ps), parsed.GetValue(store), address, access.ForClient(parsed, address));
            return Run(settings, logging);
        });
        return command;
    }

    private sealed record Settings(ClickLogShape Log, int Epochs, int Batch, double LearningRate, int Seed, int Parts,
        int Workers, int ParameterServers, string? Store, string? Cluster, ClusterAccess Access);

    private static int Run(Settings s, ILoggerFactory logging)
    {
        if (s.Log.Rows < 2 * s.Log.Fields) throw new CliException($"--rows {s.Log.Rows}: {s.Log.Fields} fields need at least {2 * s.Log.Fields} ids in all.");
        if (s.Parts > s.Log.Rows) throw new CliException($"--parts {s.Parts}: a table of {s.Log.Rows} rows splits into at most {s.Log.Rows} parts.");
        var clock = Stopwatch.StartNew();
        var log = ClickLog.Generate(s.Log);
        double truthAuc = log.TruthAuc();
        Console.WriteLine($"Click log: {log.Train.Count:N0} training and {log.Test.Count:N0} test examples, {s.Log.Fields} fields over {s.Log.Rows:N0} ids " +
            $"(Zipf {s.Log.ZipfExponent}), click rate {log.Train.Labels.Average():F3}, generated in {clock.Elapsed.TotalSeconds:F1} s");
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var model = WideAndDeep.Build(s.Log.Fields, s.Log.Rows, s.Parts, s.LearningRate, s.Seed);
        Console.WriteLine($"{model.Description}, adagrad at {s.LearningRate:G3}, batch {s.Batch}, {s.Epochs} epoch(s), " +
            (s.Cluster is null ? $"local mode ({s.Workers} worker(s), {s.ParameterServers} parameter server(s))" : $"cluster mode at {s.Cluster}"));
        using var sess = new Session(graph, new SessionOptions
        {
            Workers = s.Workers, ParameterServers = s.ParameterServers, Logger = logging.CreateLogger("session"), LoggerFactory = logging,
            CheckpointStore = s.Store is null ? null : StoreOption.ConnectionString(s.Store),
            Cluster = s.Cluster, ClusterSecret = s.Access.Secret, ClusterCertificate = s.Access.CertificatePath, ClusterCertificatePassword = s.Access.Tls?.Password,
        });
        var steps = new ClusterSteps(s.Cluster is not null);
        steps.Run(() => sess.Run([model.Init]));
        var trainer = new CtrTrainer(sess, model, s.Batch, s.Seed, steps);
        CtrEpoch? last = null;
        for (int e = 1; e <= s.Epochs; e++)
        {
            last = trainer.Epoch(e, s.Epochs, log.Train, log.Test);
            Console.WriteLine($"epoch {e}/{s.Epochs}  loss {last.TrainLoss:F4}  test loss {last.TestLoss:F4}  test AUC {last.TestAuc:F4}  {last.SamplesPerSecond:N0} samples/s");
            if (s.Store is not null) Console.WriteLine($"checkpoint {steps.Run(() => new Saver().Save(sess, $"epoch-{e}"))}");
        }
        Console.WriteLine($"Test AUC: {last!.TestAuc:F4} (generating model: {truthAuc:F4})");
        return ExitCodes.Ok;
    }
}
