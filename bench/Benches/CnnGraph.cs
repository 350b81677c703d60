namespace ActorGraph.Bench.Benches;

// The Fashion-MNIST CNN of `train fashion-mnist --model cnn` (conv 5x5x32 SAME ReLU, max-pool 2, conv 5x5x64
// SAME ReLU, max-pool 2, dense 1024 ReLU, dropout 0.4, dense 10; Adam) with one synthetic batch to feed, as
// bench `cnn` and bench/Torch both time it.
public sealed record CnnGraph(Graph Graph, Tensor Loss, Operation Train, Operation Init, FeedDict Feed)
{
    public const int Side = 28, Classes = 10;

    public static CnnGraph Build(int batch, float[] pixels, float[] oneHot)
    {
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var images = TF.Placeholder(DType.Float32, [-1, Side, Side, 1], name: "images");
        var labels = TF.Placeholder(DType.Float32, [-1, Classes], name: "labels");
        var training = TF.Placeholder(DType.Bool, [], name: "training");
        var x = Layers.Conv2D(images, 32, [5, 5], padding: "same", activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(1));
        x = Layers.MaxPooling2D(x, [2, 2], [2, 2]);
        x = Layers.Conv2D(x, 64, [5, 5], padding: "same", activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(2));
        x = Layers.MaxPooling2D(x, [2, 2], [2, 2]);
        x = Layers.Dense(Layers.Flatten(x), 1024, activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(3));
        x = Layers.Dropout(x, 0.4, training, seed: 4);
        var logits = Layers.Dense(x, Classes, kernelInitializer: TF.GlorotUniformInitializer(5));
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        var train = new AdamOptimizer(1e-3).Minimize(loss);
        var feed = new FeedDict
        {
            [images] = NDArray.FromArray(pixels, [batch, Side, Side, 1]),
            [labels] = NDArray.FromArray(oneHot, [batch, Classes]),
            [training] = true,
        };
        return new CnnGraph(graph, loss, train, TF.GlobalVariablesInitializer(), feed);
    }

    // Uniform pixels and random classes, the same for ActorGraph and libtorch.
    public static (float[] Pixels, float[] OneHot, long[] Classes) SyntheticBatch(int batch, int seed = 1)
    {
        var rng = new Random(seed);
        var pixels = new float[batch * Side * Side];
        var oneHot = new float[batch * Classes];
        var classes = new long[batch];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.NextSingle();
        for (int i = 0; i < batch; i++) oneHot[i * Classes + (classes[i] = rng.Next(Classes))] = 1;
        return (pixels, oneHot, classes);
    }
}
