using Xunit;

namespace ActorGraph.Coordinator.Tests.Training;

// Small networks trained end to end: the ops, their gradients and the optimizers together.
public class NetworkTrainingTests
{
    [Fact]
    public void Xor_is_learned_by_a_hidden_layer_with_adam()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 2]);
        var y = TF.Placeholder(DType.Float32, [-1, 1]);
        var w1 = TF.GetVariable("w1", [2, 8], initializer: TF.GlorotUniformInitializer(seed: 7));
        var b1 = TF.GetVariable("b1", [8], initializer: TF.ZerosInitializer());
        var w2 = TF.GetVariable("w2", [8, 1], initializer: TF.GlorotUniformInitializer(seed: 8));
        var b2 = TF.GetVariable("b2", [1], initializer: TF.ZerosInitializer());
        var hidden = TF.Tanh(TF.MatMul(x, w1) + b1);
        var output = TF.Sigmoid(TF.MatMul(hidden, w2) + b2);
        var loss = TF.ReduceMean(TF.Square(output - y));
        var train = new AdamOptimizer(0.05).Minimize(loss);
        using var sess = new Session(g);
        sess.Run(TF.GlobalVariablesInitializer());
        var feed = new FeedDict
        {
            [x] = new float[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } },
            [y] = new float[,] { { 0 }, { 1 }, { 1 }, { 0 } },
        };
        for (int i = 0; i < 1000; i++) sess.Run(train, feed);
        var predicted = sess.Run(output, feed).ToArray<float>();
        Assert.True(predicted[0] < 0.1f && predicted[3] < 0.1f, $"XOR(0,0) and XOR(1,1) should be near 0: {string.Join(", ", predicted)}");
        Assert.True(predicted[1] > 0.9f && predicted[2] > 0.9f, $"XOR(0,1) and XOR(1,0) should be near 1: {string.Join(", ", predicted)}");
    }

    [Fact]
    public void An_mlp_on_synthetic_data_lowers_its_loss_and_classifies_well()
    {
        const int features = 20, classes = 4, batch = 64;
        var data = new SyntheticClasses(features, classes, seed: 3);
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, features]);
        var labels = TF.Placeholder(DType.Float32, [-1, classes]);
        var w1 = TF.GetVariable("w1", [features, 32], initializer: TF.GlorotUniformInitializer(seed: 1));
        var b1 = TF.GetVariable("b1", [32], initializer: TF.ZerosInitializer());
        var w2 = TF.GetVariable("w2", [32, classes], initializer: TF.GlorotUniformInitializer(seed: 2));
        var b2 = TF.GetVariable("b2", [classes], initializer: TF.ZerosInitializer());
        var logits = TF.MatMul(TF.Relu(TF.MatMul(x, w1) + b1), w2) + b2;
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        var correct = TF.Equal(TF.ArgMax(logits, 1), TF.ArgMax(labels, 1));
        var accuracy = TF.ReduceMean(TF.Cast(correct, DType.Float32));
        var train = new GradientDescentOptimizer(0.1).Minimize(loss);
        using var sess = new Session(g);
        sess.Run(TF.GlobalVariablesInitializer());

        var (testX, testY) = data.Batch(512);
        float firstLoss = sess.Run(loss, new FeedDict { [x] = testX, [labels] = testY }).ToScalar<float>();
        for (int step = 0; step < 300; step++)
        {
            var (bx, by) = data.Batch(batch);
            sess.Run(train, new FeedDict { [x] = bx, [labels] = by });
        }
        var r = sess.Run([loss, accuracy], new FeedDict { [x] = testX, [labels] = testY });
        float lastLoss = r[0]!.ToScalar<float>(), acc = r[1]!.ToScalar<float>();
        Assert.True(lastLoss < firstLoss / 3, $"loss should fall well below its start: {firstLoss} → {lastLoss}");
        Assert.True(acc > 0.9f, $"accuracy on held-out samples: {acc}");
    }
}

// Gaussian blobs, one per class: separable enough that a small MLP should reach > 90%.
internal sealed class SyntheticClasses(int features, int classes, int seed)
{
    private readonly Random _rng = new(seed);
    private readonly float[][] _centers = MakeCenters(features, classes, seed);

    private static float[][] MakeCenters(int features, int classes, int seed)
    {
        var rng = new Random(seed * 31 + 1);
        return Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, features).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    public (NDArray X, NDArray Y) Batch(int n)
    {
        var x = new float[n * features];
        var y = new float[n * classes];
        for (int i = 0; i < n; i++)
        {
            int c = _rng.Next(classes);
            y[i * classes + c] = 1;
            for (int f = 0; f < features; f++)
                x[i * features + f] = _centers[c][f] + (float)(_rng.NextDouble() - 0.5) * 0.8f;
        }
        return (NDArray.FromArray(x, [n, features]), NDArray.FromArray(y, [n, classes]));
    }
}
