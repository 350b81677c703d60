using Xunit;

namespace ActorGraph.Coordinator.Tests.Training;

// A small convolutional network trained end to end: Conv2D, BiasAdd, pooling and dropout with their
// gradients, under an optimizer.
public class ConvNetTrainingTests
{
    private const int Size = 8;

    [Fact]
    public void A_small_convnet_learns_to_tell_vertical_bars_from_horizontal_ones()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, Size, Size, 1]);
        var labels = TF.Placeholder(DType.Float32, [-1, 2]);
        var rate = TF.Placeholder(DType.Float32, Shape.Scalar);
        var k1 = TF.GetVariable("k1", [3, 3, 1, 4], initializer: TF.GlorotUniformInitializer(seed: 1));
        var c1 = TF.GetVariable("c1", [4], initializer: TF.ZerosInitializer());
        var k2 = TF.GetVariable("k2", [3, 3, 4, 8], initializer: TF.GlorotUniformInitializer(seed: 2));
        var c2 = TF.GetVariable("c2", [8], initializer: TF.ZerosInitializer());
        var w = TF.GetVariable("w", [2 * 2 * 8, 2], initializer: TF.GlorotUniformInitializer(seed: 3));
        var b = TF.GetVariable("b", [2], initializer: TF.ZerosInitializer());
        var h1 = TF.MaxPool(TF.Relu(TF.BiasAdd(TF.Conv2D(x, k1, [1, 1, 1, 1], "SAME"), c1)), [1, 2, 2, 1], [1, 2, 2, 1], "SAME");
        var h2 = TF.AvgPool(TF.Relu(TF.BiasAdd(TF.Conv2D(h1, k2, [1, 1, 1, 1], "SAME"), c2)), [1, 2, 2, 1], [1, 2, 2, 1], "VALID");
        var logits = TF.MatMul(TF.Dropout(TF.Reshape(h2, [-1, 2 * 2 * 8]), rate, seed: 4), w) + b;
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        var accuracy = TF.ReduceMean(TF.Cast(TF.Equal(TF.ArgMax(logits, 1), TF.ArgMax(labels, 1)), DType.Float32));
        var train = new AdamOptimizer(0.01).Minimize(loss);
        using var sess = new Session(g);
        sess.Run(TF.GlobalVariablesInitializer());

        var rng = new Random(5);
        var (testX, testY) = Bars(rng, 256);
        var test = new FeedDict { [x] = testX, [labels] = testY, [rate] = 0f };
        float firstLoss = sess.Run(loss, test).ToScalar<float>();
        for (int step = 0; step < 300; step++)
        {
            var (bx, by) = Bars(rng, 32);
            sess.Run(train, new FeedDict { [x] = bx, [labels] = by, [rate] = 0.2f });
        }
        var r = sess.Run([loss, accuracy], test);
        float lastLoss = r[0]!.ToScalar<float>(), acc = r[1]!.ToScalar<float>();
        Assert.True(lastLoss < firstLoss / 4, $"loss should fall well below its start: {firstLoss} → {lastLoss}");
        Assert.True(acc > 0.95f, $"accuracy on held-out images: {acc}");
    }

    // Noisy 8×8 images with one bar of 3 to 6 pixels, vertical (class 0) or horizontal (class 1), anywhere.
    private static (NDArray Images, NDArray Labels) Bars(Random rng, int count)
    {
        var images = new float[count * Size * Size];
        var labels = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            bool horizontal = rng.Next(2) == 1;
            int length = rng.Next(3, 7), across = rng.Next(Size), along = rng.Next(Size - length + 1);
            for (int p = 0; p < Size * Size; p++) images[i * Size * Size + p] = (float)(rng.NextDouble() * 0.3);
            for (int j = along; j < along + length; j++)
                images[i * Size * Size + (horizontal ? across * Size + j : j * Size + across)] += 1;
            labels[i * 2 + (horizontal ? 1 : 0)] = 1;
        }
        return (NDArray.FromArray(images, [count, Size, Size, 1]), NDArray.FromArray(labels, [count, 2]));
    }
}
