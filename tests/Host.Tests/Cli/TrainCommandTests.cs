namespace ActorGraph.Host.Tests.Cli;

public class TrainCommandTests
{
    private const string RealData = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public void Training_reports_each_epoch_the_final_test_accuracy_and_draws_a_png()
    {
        var data = TinyFashionMnist.Write();
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "train", "fashion-mnist", "--data", data, "--epochs", "2", "--batch", "50", "--plot", "curves.png", "--workers", "2", "--ps", "2");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"epoch 1/2  loss \d\.\d{4}  accuracy \d\.\d{4}  test loss \d\.\d{4}  test accuracy \d\.\d{4}  [\d,]+ samples/s", r.Out);
        Assert.Contains("epoch 2/2  loss", r.Out);
        Assert.Contains("local mode (2 worker(s), 2 parameter server(s))", r.Out);
        Assert.Contains($"Training batches: read by /job:worker/task:0 from {Path.Combine(data, "train-images-idx3-ubyte.gz")}", r.Out);
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"Test accuracy: (\d\.\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy > 0.5, $"The bands are easy to tell apart; test accuracy {accuracy}.\n{r}");
        var png = Path.Combine(work, "curves.png");
        Assert.Equal((900, 540), Images.PngSize(png));
        Assert.True(new FileInfo(png).Length > 10_000, $"The plot is only {new FileInfo(png).Length} bytes.");
    }

    [Fact]
    public void The_cnn_model_learns_the_tiny_dataset_with_dropout_in_training_only()
    {
        var data = TinyFashionMnist.Write(train: 200, test: 100);
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "train", "fashion-mnist", "--model", "cnn", "--data", data, "--epochs", "2", "--batch", "50", "--plot", "cnn.png");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("CNN 5x5x32-pool2-5x5x64-pool2-1024-dropout-10", r.Out);
        Assert.Contains("epoch 2/2  loss", r.Out);
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"Test accuracy: (\d\.\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy > 0.5, $"The bands are easy to tell apart; test accuracy {accuracy}.\n{r}");
        Assert.Equal((900, 540), Images.PngSize(Path.Combine(work, "cnn.png")));
    }

    [Fact]
    public void Feed_trains_from_batches_the_client_feeds_to_the_same_accuracy_band()
    {
        var data = TinyFashionMnist.Write();
        var r = ActorGraphProcess.RunIn(TempDir.Create(), null, "train", "fashion-mnist", "--data", data, "--epochs", "2", "--batch", "50", "--feed");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Training batches: fed from here (--feed)", r.Out);
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"Test accuracy: (\d\.\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy > 0.5, $"The bands are easy to tell apart; test accuracy {accuracy}.\n{r}");
    }

    [Fact]
    public void The_rnn_model_learns_the_tiny_dataset_through_its_while_loop()
    {
        // Each class lights its own band of rows: a recurrent network reading the rows in order can tell them apart.
        var data = TinyFashionMnist.Write(train: 300, test: 100);
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "train", "fashion-mnist", "--model", "rnn", "--data", data, "--epochs", "3", "--batch", "50", "--plot", "rnn.png");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("RNN 28 steps of 28 pixels, Tanh 128 (WhileLoop), dense 10", r.Out);
        Assert.Contains("epoch 3/3  loss", r.Out);
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"Test accuracy: (\d\.\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(accuracy > 0.5, $"The bands are easy to tell apart; test accuracy {accuracy}.\n{r}");
    }

    [Fact]
    public void Training_files_missing_on_the_worker_fail_the_step_naming_the_file_and_the_node()
    {
        var data = TinyFashionMnist.Write(train: 20, test: 10);
        var elsewhere = Path.Combine(TempDir.Create(), "not-here");
        var r = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--worker-data", elsewhere, "--epochs", "1");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains(Path.Combine(elsewhere, "train-images-idx3-ubyte.gz"), r.Err);
        Assert.Contains(Environment.MachineName, r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void An_unknown_model_is_refused_with_the_choices()
    {
        var r = ActorGraphProcess.RunIn(TempDir.Create(), null, "train", "fashion-mnist", "--model", "resnet");
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("resnet", r.Err);
        Assert.Contains("cnn", r.Err);
        Assert.Contains("rnn", r.Err);
    }

    [Fact]
    public void A_missing_dataset_says_how_to_install_it_and_exits_1()
    {
        var empty = TempDir.Create();
        var r = ActorGraphProcess.RunIn(empty, null, "train", "fashion-mnist", "--data", empty);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", r.Err);
        Assert.Contains("train-images-idx3-ubyte.gz", r.Err);
        Assert.False(File.Exists(Path.Combine(empty, "fashion-mnist.png")));
    }

    [Fact]
    public void A_file_that_is_not_idx_fails_with_its_name_and_exit_1()
    {
        var data = TinyFashionMnist.Write(train: 20, test: 10);
        File.WriteAllText(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), "not gzip");
        var r = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--epochs", "1");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("error:", r.Err);
        Assert.Contains("t10k-labels-idx1-ubyte.gz", r.Err);
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Fact]
    public void With_a_store_every_epoch_is_checkpointed_and_resume_starts_from_the_latest()
    {
        var data = TinyFashionMnist.Write(train: 20, test: 10);
        var store = $"Data Source={Path.Combine(data, "ckpt.db")}";
        var first = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--epochs", "2", "--store", store);
        Assert.True(first.ExitCode == 0, first.ToString());
        var ids = first.Out.Split('\n').Where(l => l.StartsWith("checkpoint ")).Select(l => l.Split(' ')[1].Trim()).ToList();
        Assert.Equal(2, ids.Count);

        var resumed = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--epochs", "3", "--store", store, "--resume");
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"Resumed from checkpoint {ids[^1]} (epoch-2): epoch 3, step 1 next", resumed.Out);
        Assert.Contains("epoch 3/3  loss", resumed.Out);
        Assert.DoesNotContain("epoch 1/3", resumed.Out);

        var finished = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--epochs", "3", "--store", store, "--resume");
        Assert.True(finished.ExitCode == 1, finished.ToString());
        Assert.Contains("finished epoch 3, and --epochs is 3; ask for more (e.g. --epochs 4)", finished.Err);
    }

    [Fact]
    public void Resume_from_a_mid_epoch_checkpoint_takes_the_same_steps_as_an_uninterrupted_run()
    {
        // 10 steps an epoch; checkpoints after steps 3 and 6 of each, and at each epoch's end.
        var data = TinyFashionMnist.Write(train: 200, test: 100);
        var store = $"Data Source={Path.Combine(data, "ckpt.db")}";
        string[] run = ["train", "fashion-mnist", "--data", data, "--epochs", "2", "--batch", "20", "--checkpoint-every", "3", "--store", store];
        var whole = ActorGraphProcess.RunIn(data, null, run);
        Assert.True(whole.ExitCode == 0, whole.ToString());
        var wholeLines = CheckpointLines(whole.Out);
        Assert.Equal(["epoch-1-step-3", "epoch-1-step-6", "epoch-1-step-9", "epoch-1", "epoch-2-step-3", "epoch-2-step-6", "epoch-2-step-9", "epoch-2"],
            wholeLines.Select(l => l.Name));

        // As if stopped after step 6 of epoch 2: the checkpoints after it go.
        foreach (var later in new[] { "epoch-2", "epoch-2-step-9" })
        {
            var deleted = ActorGraphProcess.RunIn(data, null, "checkpoints", "delete", later, "--store", store);
            Assert.True(deleted.ExitCode == 0, deleted.ToString());
        }
        var resumed = ActorGraphProcess.RunIn(data, null, [.. run, "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("(epoch-2-step-6): epoch 2, step 7 next", resumed.Out);
        Assert.DoesNotContain("epoch 1/2", resumed.Out);
        var resumedLines = CheckpointLines(resumed.Out);
        Assert.Equal(["epoch-2-step-9", "epoch-2"], resumedLines.Select(l => l.Name));
        // Step 9's batch (the same shuffled examples only if the iterator went on where it stopped) has the same loss.
        Assert.Equal(wholeLines.Single(l => l.Name == "epoch-2-step-9").Loss, resumedLines[0].Loss);
        Assert.Equal(TestResult(whole.Out, 2), TestResult(resumed.Out, 2));
    }

    [Fact]
    public void Checkpoint_every_without_a_store_is_refused_saying_to_add_one()
    {
        var data = TinyFashionMnist.Write(train: 20, test: 10);
        var r = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--checkpoint-every", "5");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("--checkpoint-every needs a store: add --store CONN", r.Err);
    }

    // "checkpoint ID  NAME" at an epoch's end, "checkpoint ID  NAME  batch loss L" within it.
    private static List<(string Name, string? Loss)> CheckpointLines(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith("checkpoint ")).Select(l => l.Trim().Split("  ")).Select(p => (p[1], p.Length > 2 ? p[2] : null))];

    private static string TestResult(string output, int epoch) =>
        System.Text.RegularExpressions.Regex.Match(output, $@"epoch {epoch}/\d+  .*(test loss \d\.\d{{4}}  test accuracy \d\.\d{{4}})").Groups[1].Value;

    [Fact]
    public void Resume_from_a_store_without_checkpoints_fails_with_exit_1()
    {
        var data = TinyFashionMnist.Write(train: 20, test: 10);
        var r = ActorGraphProcess.RunIn(data, null, "train", "fashion-mnist", "--data", data, "--resume", "--store", $"Data Source={Path.Combine(data, "empty.db")}");
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("has no checkpoint to resume from", r.Err);
    }

    // On the real dataset (CI installs it): a quick subset still learns far past chance (0.1).
    [Fact]
    public void A_subset_of_the_real_fashion_mnist_trains_past_chance_in_one_epoch()
    {
        if (!File.Exists(Path.Combine(RealData, "train-images-idx3-ubyte.gz")))
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"CI installs dataset-fashion-mnist, but {RealData} is missing.");
            return;
        }
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "train", "fashion-mnist", "--epochs", "1", "--limit", "2000", "--plot", "fm.png");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("2,000 training and 2,000 test images", r.Out);
        var accuracy = double.Parse(System.Text.RegularExpressions.Regex.Match(r.Out, @"Test accuracy: (\d\.\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(accuracy, 0.6, 1.0);
        Assert.Equal((900, 540), Images.PngSize(Path.Combine(work, "fm.png")));
    }
}
