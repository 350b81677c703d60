using System.CommandLine;
using System.Diagnostics;
using ActorGraph.Host.Cli;
using ActorGraph.Host.Data;
using ActorGraph.Host.Training;
using Microsoft.Extensions.Logging;

namespace ActorGraph.Host.Commands;

// `actorgraph train fashion-mnist`: an MLP (or with --model cnn a convolutional network, --model rnn a recurrent one) on Fashion-MNIST,
// with progress per epoch, the final test accuracy and a PNG of loss and accuracy per epoch.
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Command("train", "Train a model on a dataset");
        train.Subcommands.Add(FashionMnistCommand());
        train.Subcommands.Add(CtrCommand.Create());
        return train;
    }

    private static Command FashionMnistCommand()
    {
        var epochs = CommonOptions.Positive("--epochs", 6, "Passes over the training set (the last fifth at a tenth of the learning rate)");
        var batch = CommonOptions.Positive("--batch", 100, "Examples per training step (one Run)");
        var limit = new Option<int?>("--limit") { Description = "Use only the first N training and test examples (a quick run)", HelpName = "N" };
        CommonOptions.AtLeastOne(limit);
        var data = new Option<string>("--data") { Description = "Folder of the IDX files", DefaultValueFactory = _ => FashionMnist.DefaultFolder, HelpName = "DIR" };
        var workerData = new Option<string?>("--worker-data") { Description = "Folder of the training IDX files on the worker that reads them (default: --data)", HelpName = "DIR" };
        var feed = new Option<bool>("--feed") { Description = "Feed each training batch from here (feed_dict) instead of reading it on the worker" };
        var plot = new Option<string>("--plot") { Description = "PNG of loss and accuracy per epoch", DefaultValueFactory = _ => "fashion-mnist.png", HelpName = "FILE.png" };
        var model = new Option<string>("--model") { Description = "mlp (784-256-128-10, quick), cnn (two 5x5 convolutions, max-pooling, dense 1024, dropout 0.4) or rnn (a Tanh cell of 128 over the 28 rows, in a WhileLoop)", DefaultValueFactory = _ => "mlp" };
        model.AcceptOnlyFromAmong("mlp", "cnn", "rnn");
        var optimizer = new Option<string>("--optimizer") { Description = "adam, momentum (0.9) or sgd", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "momentum", "sgd");
        var learningRate = new Option<double>("--learning-rate") { Description = "Step size of the optimizer", DefaultValueFactory = _ => 1e-3, HelpName = "RATE" };
        CommonOptions.Positive(learningRate);
        var seed = new Option<int>("--seed") { Description = "Seed of the initial weights and the shuffling", DefaultValueFactory = _ => 1, HelpName = "N" };
        var store = new Option<string?>("--store") { Description = "Checkpoint store (Data Source=path.db for SQLite, or a PostgreSQL connection string): a checkpoint after every epoch", HelpName = "CONN" };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "With --store, a checkpoint every N training steps within an epoch too (epoch-E-step-S); --resume goes on from the step after it", HelpName = "N" };
        CommonOptions.AtLeastOne(checkpointEvery);
        var resume = new Option<bool>("--resume") { Description = "Start from the latest checkpoint in --store (default store: actorgraph.db here) instead of fresh weights" };
        var workers = CommonOptions.Positive("--workers", 1, "Worker actors in local mode");
        var ps = CommonOptions.Positive("--ps", 1, "Parameter-server actors in local mode (the weights spread over them)");
        var cluster = CommonOptions.Cluster();
        var access = new ClusterAccessOptions();
        var saveGraph = SaveGraphOption.Create();
        var logdir = new Option<string?>("--logdir") { Description = "Write TensorBoard event files here (loss, accuracy, weight histograms, the graph); view with: tensorboard --logdir DIR", HelpName = "DIR" };
        var command = new Command("fashion-mnist", "An MLP or a CNN on Fashion-MNIST (Debian: dataset-fashion-mnist)")
        {
            epochs, batch, limit, data, workerData, feed, plot, model, optimizer, learningRate, seed, workers, ps, store, checkpointEvery, resume, cluster, saveGraph, logdir,
        };
        foreach (var option in access.All) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            using var logging = CommonOptions.Logging(parsed);
            var address = CommonOptions.CheckCluster(parsed.GetValue(cluster));
            var settings = new Settings(parsed.GetValue(epochs), parsed.GetValue(batch), parsed.GetValue(limit), parsed.GetValue(data)!,
                parsed.GetValue(plot)!, parsed.GetValue(model)!, parsed.GetValue(optimizer)!, parsed.GetValue(learningRate), parsed.GetValue(seed),
                parsed.GetValue(workers), parsed.GetValue(ps), parsed.GetValue(store), parsed.GetValue(resume), address,
                access.ForClient(parsed, address), parsed.GetValue(saveGraph), parsed.GetValue(logdir),
                parsed.GetValue(workerData), parsed.GetValue(feed), parsed.GetValue(checkpointEvery));
            return Run(settings, logging);
        });
        return command;
    }

    private sealed record Settings(int Epochs, int Batch, int? Limit, string Data, string Plot, string Model, string Optimizer, double LearningRate, int Seed,
        int Workers, int ParameterServers, string? Store, bool Resume, string? Cluster,
        ClusterAccess Access, string? SaveGraph, string? Logdir, string? WorkerData, bool Feed, int? CheckpointEvery)
    {
        // A store when checkpoints are asked for: --store, or the default one for --resume alone.
        public string? CheckpointStore => Store is null && !Resume ? null : StoreOption.ConnectionString(Store);
    }

    private static int Run(Settings s, ILoggerFactory logging)
    {
        var log = logging.CreateLogger("train");
        if (s.CheckpointEvery is not null && s.CheckpointStore is null)
            throw new CliException("--checkpoint-every needs a store: add --store CONN (e.g. --store \"Data Source=train.db\").");
        var missing = FashionMnist.Missing(s.Data);
        if (missing.Count > 0)
            throw new CliException($"Fashion-MNIST is not in {s.Data} (missing {string.Join(", ", missing)}).\n" +
                $"Install it with:  {FashionMnist.InstallHint}\n" +
                $"or point --data at a folder holding the four IDX files.");
        var clock = Stopwatch.StartNew();
        var (train, test) = FashionMnist.Load(s.Data, s.Limit);
        log.LogInformation("Loaded {Train} training and {Test} test images from {Folder} in {Seconds:F1} s", train.Count, test.Count, s.Data, clock.Elapsed.TotalSeconds);
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var source = TrainingData.Source(s.Data, s.WorkerData ?? s.Data, train.Count, s.Batch, s.Seed);
        var batches = source.MakeOneShotIterator().GetNext("training_batch");
        var model = Classifier.Build(s.Model, s.Optimizer, s.LearningRate, s.Seed, batches);
        int fineTune = Classifier.FineTuneEpochs(s.Epochs);
        Console.WriteLine($"Fashion-MNIST: {train.Count:N0} training and {test.Count:N0} test images; {model.Description}, " +
            $"{s.Optimizer} at {s.LearningRate:G3}" + (fineTune > 0 ? $" (the last {fineTune} epoch(s) at {s.LearningRate / 10:G3})" : "") +
            $", batch {s.Batch}, {s.Epochs} epoch(s), {(s.Cluster is null ? $"local mode ({s.Workers} worker(s), {s.ParameterServers} parameter server(s))" : $"cluster mode at {s.Cluster}")}");

        using var summaries = s.Logdir is null ? null : new TrainingSummaries(s.Logdir, model);
        if (summaries is not null) Console.WriteLine($"TensorBoard events: {Path.GetFullPath(summaries.EventFile)} (view with: tensorboard --logdir {s.Logdir})");
        SaveGraphOption.Write(graph, s.SaveGraph);
        using var sess = new Session(graph, new SessionOptions
        {
            Workers = s.Workers, ParameterServers = s.ParameterServers, Logger = logging.CreateLogger("session"), LoggerFactory = logging, CheckpointStore = s.CheckpointStore,
            Cluster = s.Cluster, ClusterSecret = s.Access.Secret, ClusterCertificate = s.Access.CertificatePath, ClusterCertificatePassword = s.Access.Tls?.Password,
        });
        var retrying = new ClusterSteps(s.Cluster is not null);
        var saver = new Saver();
        var position = TrainingPosition.Start;
        int stepsPerEpoch = (train.Count + s.Batch - 1) / s.Batch;
        if (s.Resume)
        {
            var latest = saver.Latest(sess) ?? throw new CliException($"--resume: the store {s.CheckpointStore} has no checkpoint to resume from.");
            saver.Restore(sess, latest);
            var name = saver.List(sess).FirstOrDefault(c => c.Id == latest)?.Name;
            position = ResumePosition(latest, name, stepsPerEpoch, s.Epochs);
            Console.WriteLine($"Resumed from checkpoint {latest}" + (name is null ? "" : $" ({name}): epoch {position.Epoch}, step {position.StepsDone + 1} next"));
        }
        else retrying.Run(() => sess.Run([model.Init]));
        var trainer = new Trainer(sess, model, s.Batch, s.Seed, retrying, summaries, s.Feed, position.GlobalStep(stepsPerEpoch));
        Console.WriteLine(s.Feed
            ? "Training batches: fed from here (--feed), as is the test set."
            : $"Training batches: read by {sess.Explain([model.Loss]).Placement[batches[0].Op.Name]} from {TrainingData.Describe(s.WorkerData ?? s.Data)} on its node " +
              $"(a Dataset: Map to [0, 1] and one-hot, shuffled with --seed, batch {s.Batch}, prefetched); the test set is fed from here.");
        var results = new List<EpochResult>();
        for (int e = position.Epoch; e <= s.Epochs; e++)
        {
            int epoch = e;
            // The last step's checkpoint would only repeat the epoch's own, written after its evaluation.
            Action<int, double>? midEpoch = s.CheckpointEvery is not int every ? null : (step, loss) =>
            {
                if (step % every == 0 && step < stepsPerEpoch)
                    Console.WriteLine($"checkpoint {retrying.Run(() => saver.Save(sess, TrainingPosition.StepName(epoch, step)))}  " +
                        $"{TrainingPosition.StepName(epoch, step)}  batch loss {loss:F6}");
            };
            var r = trainer.Epoch(e, s.Epochs, train, test, e == position.Epoch ? position.StepsDone : 0, midEpoch);
            results.Add(r);
            summaries?.AddEpoch(sess, r, trainer.GlobalStep);
            Console.WriteLine($"epoch {e}/{s.Epochs}  loss {r.TrainLoss:F4}  accuracy {r.TrainAccuracy:F4}  " +
                $"test loss {r.TestLoss:F4}  test accuracy {r.TestAccuracy:F4}  {r.SamplesPerSecond:N0} samples/s");
            if (s.CheckpointStore is not null) Console.WriteLine($"checkpoint {retrying.Run(() => saver.Save(sess, TrainingPosition.EpochName(e)))}  {TrainingPosition.EpochName(e)}");
        }
        TrainingPlot.Save(s.Plot, $"Fashion-MNIST, {model.Description} ({s.Optimizer})", results);
        var last = results[^1];
        Console.WriteLine($"Test accuracy: {last.TestAccuracy:F4} ({last.TestAccuracy * test.Count:N0} of {test.Count:N0} test images)");
        Console.WriteLine($"Plot: {Path.GetFullPath(s.Plot)}");
        return ExitCodes.Ok;
    }

    // The trainer's own checkpoint names say where it stopped; any other checkpoint gives weights only, from epoch 1.
    private static TrainingPosition ResumePosition(string id, string? name, int stepsPerEpoch, int epochs)
    {
        var position = TrainingPosition.After(name) ?? TrainingPosition.Start;
        if (position.StepsDone >= stepsPerEpoch)
            throw new CliException($"--resume: checkpoint {id} ({name}) is past the {stepsPerEpoch} step(s) of an epoch here; " +
                "resume with the --batch and --limit it was trained with.");
        if (position.Epoch > epochs)
            throw new CliException($"--resume: checkpoint {id} ({name}) finished epoch {position.Epoch - 1}, and --epochs is {epochs}; " +
                $"ask for more (e.g. --epochs {position.Epoch}) to train on from it.");
        return position;
    }
}
