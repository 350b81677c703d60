namespace ActorGraph.Host.Training;

// The convolutional classifier of `train fashion-mnist --model cnn` (the network of the Fashion-MNIST
// benchmark's TensorFlow entry): conv 5x5x32 SAME ReLU, max-pool 2, conv 5x5x64 SAME ReLU, max-pool 2,
// dense 1024 ReLU, dropout 0.4 while training, dense 10.
internal static class Cnn
{
    public const string Description = "CNN 5x5x32-pool2-5x5x64-pool2-1024-dropout-10";

    public static Classifier Build(string optimizer, double learningRate, int seed, Tensor[]? batch = null)
    {
        var (images, labels) = Classifier.Inputs(batch);
        var training = TF.Placeholder(DType.Bool, [], name: "training");
        var logits = Logits(Classifier.Standardized(images), training, seed);
        return Classifier.Head(Description, images, labels, training, logits, optimizer, learningRate);
    }

    // images [batch, 784] → logits [batch, 10]; bench/Benches/CnnGraph.cs builds the same layers for bench `cnn`.
    private static Tensor Logits(Tensor images, Tensor training, int seed)
    {
        var x = TF.Reshape(images, [-1, 28, 28, 1]);
        x = Layers.Conv2D(x, 32, [5, 5], padding: "same", activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(seed + 1));
        x = Layers.MaxPooling2D(x, [2, 2], [2, 2]);
        x = Layers.Conv2D(x, 64, [5, 5], padding: "same", activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(seed + 2));
        x = Layers.MaxPooling2D(x, [2, 2], [2, 2]);
        x = Layers.Dense(Layers.Flatten(x), 1024, activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(seed + 3));
        x = Layers.Dropout(x, 0.4, training, seed: seed + 4);
        return Layers.Dense(x, Classifier.Classes, kernelInitializer: TF.GlorotUniformInitializer(seed + 5));
    }
}
