namespace ActorGraph.Host.Training;

// The default classifier of `train fashion-mnist`: 784-256-128-10, ReLU, softmax cross-entropy.
internal static class Mlp
{
    public static readonly int[] Layers = [Classifier.Pixels, 256, 128, Classifier.Classes];

    public static Classifier Build(string optimizer, double learningRate, int seed, Tensor[]? batch = null)
    {
        var (images, labels) = Classifier.Inputs(batch);
        Tensor h = Classifier.Standardized(images);
        for (int l = 1; l < Layers.Length; l++)
        {
            using var scope = TF.NameScope($"layer{l}");
            var w = TF.GetVariable($"layer{l}/weights", [Layers[l - 1], Layers[l]], initializer: TF.GlorotUniformInitializer(seed + l));
            var b = TF.GetVariable($"layer{l}/biases", [Layers[l]], initializer: TF.ZerosInitializer());
            h = TF.MatMul(h, w) + b;
            if (l < Layers.Length - 1) h = TF.Relu(h);
        }
        return Classifier.Head($"MLP {string.Join('-', Layers)}", images, labels, null, h, optimizer, learningRate);
    }
}
