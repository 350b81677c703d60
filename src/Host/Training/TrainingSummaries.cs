namespace ActorGraph.Host.Training;

// What `train --logdir` shows in TensorBoard: the batch loss and accuracy every few steps, the epoch's
// train and test numbers, a histogram of every weight per epoch, and the graph once. Summary ops in the
// graph, as a TensorFlow 1 script writes them.
internal sealed class TrainingSummaries : IDisposable
{
    // Often enough for smooth curves, rare enough that the extra fetch stays out of the step time.
    public const int StepEvery = 20;

    private readonly FileWriter _writer;
    private readonly Tensor _trainLoss, _trainAccuracy, _testLoss, _testAccuracy;
    private readonly Tensor _epochSummary, _weightSummary;

    public Tensor StepSummary { get; }

    // Call with the model's graph as the default, before the session opens.
    public TrainingSummaries(string logdir, Classifier model)
    {
        var step = new List<Tensor>();
        using (TF.NameScope("batch"))
        {
            step.Add(TF.Summary.Scalar("loss", model.Loss));
            step.Add(TF.Summary.Scalar("accuracy", model.Correct / TF.ReduceSum(model.Labels)));
        }
        StepSummary = TF.Summary.Merge(step, "batch_summaries");
        var epoch = new List<Tensor>();
        using (TF.NameScope("epoch"))
        {
            _trainLoss = Scalar("train_loss", epoch);
            _trainAccuracy = Scalar("train_accuracy", epoch);
            _testLoss = Scalar("test_loss", epoch);
            _testAccuracy = Scalar("test_accuracy", epoch);
        }
        _epochSummary = TF.Summary.Merge(epoch, "epoch_summaries");
        using (TF.NameScope("weights"))
            _weightSummary = TF.Summary.Merge(TF.TrainableVariables().Select(v => TF.Summary.Histogram(v.Op.Name, v)).ToArray(), "weight_summaries");
        _writer = new FileWriter(logdir, Graph.Default);
    }

    public string EventFile => _writer.Path;

    public void AddStep(NDArray summary, long globalStep) => _writer.AddSummary(summary, globalStep);

    public void AddEpoch(Session session, EpochResult result, long globalStep)
    {
        var feed = new FeedDict
        {
            [_trainLoss] = (float)result.TrainLoss, [_trainAccuracy] = (float)result.TrainAccuracy,
            [_testLoss] = (float)result.TestLoss, [_testAccuracy] = (float)result.TestAccuracy,
        };
        var values = session.Run([_epochSummary, _weightSummary], feed);
        _writer.AddSummary(values[0]!, globalStep);
        _writer.AddSummary(values[1]!, globalStep);
        _writer.Flush();
    }

    private static Tensor Scalar(string name, List<Tensor> into)
    {
        var value = TF.Placeholder(DType.Float32, Shape.Scalar, name + "_value");
        into.Add(TF.Summary.Scalar(name, value));
        return value;
    }

    public void Dispose() => _writer.Dispose();
}
