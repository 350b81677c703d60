using System.Diagnostics;
using ActorGraph.Host.Cli;

namespace ActorGraph.Host.Training;

internal sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double SamplesPerSecond);

// Mini-batch training of the MLP: a shuffled pass over the training set per epoch, then one pass
// over the test set. Training batches come from the model's dataset iterator (TrainingData), produced on
// the worker that runs it; the test set is fed, a batch per Run.
internal sealed class Trainer(Session session, Mlp model, int batchSize, ClusterSteps steps)
{
    private const int EvalBatch = 1000;

    // The training set as tf.data does it: reshuffled each epoch, batched within the epoch, repeated.
    public static Dataset TrainingData(Data.Dataset train, int batchSize, int seed) =>
        ActorGraph.Dataset.FromTensorSlices(
                NDArray.FromArray(train.Images, new Shape(train.Count, train.Features)), OneHot(train.Labels, Data.Dataset.Classes))
            .Shuffle(train.Count, seed).Batch(batchSize).Repeat().Prefetch(2);

    public EpochResult Epoch(int epoch, int epochs, Data.Dataset train, Data.Dataset test)
    {
        var trainOp = epoch > epochs - Mlp.FineTuneEpochs(epochs) ? model.FineTuneOp : model.TrainOp;
        int batches = (train.Count + batchSize - 1) / batchSize;
        var clock = Stopwatch.StartNew();
        var (loss, correct) = Progress.Run($"epoch {epoch}/{epochs}", batches, progress =>
        {
            double lossSum = 0, correctSum = 0;
            for (int b = 0; b < batches; b++)
            {
                int from = b * batchSize, n = Math.Min(batchSize, train.Count - from);
                var r = steps.Run(() => session.Run([model.Loss, model.Correct, trainOp]));
                lossSum += r[0]!.ToScalar<float>() * n;
                correctSum += r[1]!.ToScalar<float>();
                int seen = from + n;
                progress.Update(b + 1, $"loss {lossSum / seen:F4}  accuracy {correctSum / seen:F4}  {seen / clock.Elapsed.TotalSeconds:N0} samples/s");
            }
            return (lossSum / train.Count, correctSum / train.Count);
        }, summaryFollows: true);
        double samplesPerSecond = train.Count / clock.Elapsed.TotalSeconds;
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
            var feed = Batch(data, indices);
            var r = steps.Run(() => session.Run([model.Loss, model.Correct], feed));
            lossSum += r[0]!.ToScalar<float>() * n;
            correctSum += r[1]!.ToScalar<float>();
        }
        return (lossSum / data.Count, correctSum / data.Count);
    }

    private static NDArray OneHot(int[] labels, int classes)
    {
        var oneHot = new float[labels.Length * classes];
        for (int i = 0; i < labels.Length; i++) oneHot[i * classes + labels[i]] = 1;
        return NDArray.FromArray(oneHot, new Shape(labels.Length, classes));
    }

    private FeedDict Batch(Data.Dataset data, ReadOnlySpan<int> indices)
    {
        int n = indices.Length;
        var images = new float[n * data.Features];
        var labels = new float[n * Data.Dataset.Classes];
        for (int i = 0; i < n; i++)
        {
            data.Image(indices[i]).CopyTo(images.AsSpan(i * data.Features, data.Features));
            labels[i * Data.Dataset.Classes + data.Labels[indices[i]]] = 1;
        }
        return new FeedDict
        {
            [model.Images] = NDArray.FromArray(images, new Shape(n, data.Features)),
            [model.Labels] = NDArray.FromArray(labels, new Shape(n, Data.Dataset.Classes)),
        };
    }
}
