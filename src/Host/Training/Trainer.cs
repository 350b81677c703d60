using System.Diagnostics;
using ActorGraph.Host.Cli;
using ActorGraph.Host.Data;

namespace ActorGraph.Host.Training;

internal sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double SamplesPerSecond);

// Mini-batch training of a classifier: a shuffled pass over the training set per epoch, then one pass
// over the test set. Each batch is one Run. The training batches come from the model's dataset iterator on
// the worker (TrainingData); with feedBatches the client feeds them instead, as the seed's loop feeds its examples.
internal sealed class Trainer(Session session, Classifier model, int batchSize, int seed, ClusterSteps steps, TrainingSummaries? summaries = null,
    bool feedBatches = false, long stepsTaken = 0)
{
    // Training steps taken so far (a resumed run starts at its checkpoint's): the step TensorBoard plots against.
    public long GlobalStep { get; private set; } = stepsTaken;

    private const int EvalBatch = 1000;

    public int StepsPerEpoch(int examples) => (examples + batchSize - 1) / batchSize;

    // stepsDone: steps of this epoch a resumed checkpoint took already; the epoch goes on from the next one, and its
    // loss, accuracy and samples/s are over the steps taken here. afterStep gets the step's number in the epoch and its loss.
    public EpochResult Epoch(int epoch, int epochs, Data.Dataset train, Data.Dataset test, int stepsDone = 0, Action<int, double>? afterStep = null)
    {
        var trainOp = epoch > epochs - Classifier.FineTuneEpochs(epochs) ? model.FineTuneOp : model.TrainOp;
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed + epoch).Shuffle(order);
        int batches = StepsPerEpoch(train.Count);
        int skipped = Math.Min(stepsDone * batchSize, train.Count), examples = train.Count - skipped;
        var clock = Stopwatch.StartNew();
        var (loss, correct) = Progress.Run($"epoch {epoch}/{epochs}", batches, progress =>
        {
            double lossSum = 0, correctSum = 0;
            for (int b = stepsDone; b < batches; b++)
            {
                int from = b * batchSize, n = Math.Min(batchSize, train.Count - from);
                var feed = feedBatches ? Batch(train, order.AsSpan(from, n), training: true) : TrainingFlag();
                bool summarize = summaries is not null && GlobalStep % TrainingSummaries.StepEvery == 0;
                var r = summarize
                    ? steps.Run(() => session.Run([model.Loss, model.Correct, trainOp, summaries!.StepSummary], feed))
                    : steps.Run(() => session.Run([model.Loss, model.Correct, trainOp], feed));
                if (summarize) summaries!.AddStep(r[3]!, GlobalStep);
                GlobalStep++;
                float batchLoss = r[0]!.ToScalar<float>();
                lossSum += batchLoss * n;
                correctSum += r[1]!.ToScalar<float>();
                int seen = from + n - skipped;
                progress.Update(b + 1, $"loss {lossSum / seen:F4}  accuracy {correctSum / seen:F4}  {seen / clock.Elapsed.TotalSeconds:N0} samples/s");
                afterStep?.Invoke(b + 1, batchLoss);
            }
            return (lossSum / examples, correctSum / examples);
        }, summaryFollows: true);
        double samplesPerSecond = examples / clock.Elapsed.TotalSeconds;
        var (testLoss, testAccuracy) = Evaluate(test);
        return new EpochResult(epoch, loss, correct, testLoss, testAccuracy, samplesPerSecond);
    }

    public (double Loss, double Accuracy) Evaluate(Data.Dataset data)
    {
        double lossSum = 0, correctSum = 0;
        for (int from = 0; from < data.Count; from += EvalBatch)
        {
            int n = Math.Min(EvalBatch, data.Count - from);
            var indices = Enumerable.Range(from, n).ToArray();
            var feed = Batch(data, indices, training: false);
            var r = steps.Run(() => session.Run([model.Loss, model.Correct], feed));
            lossSum += r[0]!.ToScalar<float>() * n;
            correctSum += r[1]!.ToScalar<float>();
        }
        return (lossSum / data.Count, correctSum / data.Count);
    }

    // A dataset-fed step feeds nothing but the dropout switch of a model that has one.
    private FeedDict? TrainingFlag() => model.Training is null ? null : new FeedDict { [model.Training] = true };

    private FeedDict Batch(Data.Dataset data, ReadOnlySpan<int> indices, bool training)
    {
        int n = indices.Length;
        var images = new float[n * data.Features];
        var labels = new float[n * Data.Dataset.Classes];
        for (int i = 0; i < n; i++)
        {
            data.Image(indices[i]).CopyTo(images.AsSpan(i * data.Features, data.Features));
            labels[i * Data.Dataset.Classes + data.Labels[indices[i]]] = 1;
        }
        var feed = new FeedDict
        {
            [model.Images] = NDArray.FromArray(images, new Shape(n, data.Features)),
            [model.Labels] = NDArray.FromArray(labels, new Shape(n, Data.Dataset.Classes)),
        };
        if (model.Training is not null) feed[model.Training] = training;
        return feed;
    }
}
