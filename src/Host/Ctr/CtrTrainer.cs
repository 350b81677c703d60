using System.Diagnostics;
using ActorGraph.Host.Cli;

namespace ActorGraph.Host.Ctr;

internal sealed record CtrEpoch(int Epoch, double TrainLoss, double TestLoss, double TestAuc, double SamplesPerSecond);

// Mini-batch training of the wide & deep model on a click log: a shuffled pass over the training split per
// epoch (one Run per batch), then the test split's loss and AUC.
internal sealed class CtrTrainer(Session session, WideAndDeep model, int batchSize, int seed, ClusterSteps steps)
{
    private const int EvalBatch = 4096;

    public CtrEpoch Epoch(int epoch, int epochs, ClickSplit train, ClickSplit test)
    {
        var order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed + epoch).Shuffle(order);
        int batches = (train.Count + batchSize - 1) / batchSize;
        var clock = Stopwatch.StartNew();
        double loss = Progress.Run($"epoch {epoch}/{epochs}", batches, progress =>
        {
            double lossSum = 0;
            for (int b = 0; b < batches; b++)
            {
                int from = b * batchSize, n = Math.Min(batchSize, train.Count - from);
                var feed = Batch(train, order.AsSpan(from, n));
                var r = steps.Run(() => session.Run([model.Loss, model.TrainOp], feed));
                lossSum += r[0]!.ToScalar<float>() * n;
                int seen = from + n;
                progress.Update(b + 1, $"loss {lossSum / seen:F4}  {seen / clock.Elapsed.TotalSeconds:N0} samples/s");
            }
            return lossSum / train.Count;
        }, summaryFollows: true);
        double samplesPerSecond = train.Count / clock.Elapsed.TotalSeconds;
        var (testLoss, testAuc) = Evaluate(test);
        return new CtrEpoch(epoch, loss, testLoss, testAuc, samplesPerSecond);
    }

    // The mean loss and the AUC of the model's logits (a monotone map of its click probabilities) over a split.
    public (double Loss, double Auc) Evaluate(ClickSplit data)
    {
        var logits = new float[data.Count];
        double lossSum = 0;
        for (int from = 0; from < data.Count; from += EvalBatch)
        {
            int n = Math.Min(EvalBatch, data.Count - from);
            var r = steps.Run(() => session.Run([model.Loss, model.Logits], Batch(data, Enumerable.Range(from, n).ToArray())));
            lossSum += r[0]!.ToScalar<float>() * n;
            r[1]!.AsSpan<float>().CopyTo(logits.AsSpan(from, n));
        }
        return (lossSum / data.Count, Auc.Compute(logits, data.Labels));
    }

    private FeedDict Batch(ClickSplit data, ReadOnlySpan<int> examples)
    {
        int n = examples.Length, fields = data.Fields;
        var ids = new int[n * fields];
        var labels = new float[n];
        for (int i = 0; i < n; i++)
        {
            data.Example(examples[i]).CopyTo(ids.AsSpan(i * fields, fields));
            labels[i] = data.Labels[examples[i]];
        }
        return new FeedDict
        {
            [model.Ids] = NDArray.FromArray(ids, new Shape(n, fields)),
            [model.Labels] = NDArray.FromArray(labels, new Shape(n)),
        };
    }
}
