namespace ActorGraph.Host.Training;

// The classifier of `train fashion-mnist`: 784-256-128-10, ReLU, softmax cross-entropy, on images
// [batch, 784] and one-hot labels [batch, 10]: placeholders, or a dataset iterator's GetNext (which a
// feed still overrides, as in TensorFlow). One Run of [Loss, Correct, TrainOp] is one training step.
internal sealed record Mlp(Tensor Images, Tensor Labels, Tensor Loss, Tensor Correct, Operation TrainOp, Operation FineTuneOp, Operation Init)
{
    public static readonly int[] Layers = [784, 256, 128, 10];
    private const float PixelMean = 0.2860f, PixelStd = 0.3530f;

    public static Mlp Build(string optimizer, double learningRate, int seed, Tensor? images = null, Tensor? labels = null)
    {
        images ??= TF.Placeholder(DType.Float32, [-1, Layers[0]], name: "images");
        labels ??= TF.Placeholder(DType.Float32, [-1, Layers[^1]], name: "labels");
        // Standardized in the graph (Fashion-MNIST's pixel mean and deviation), so Adam starts on well-scaled inputs.
        Tensor h = (images - PixelMean) / PixelStd;
        for (int l = 1; l < Layers.Length; l++)
        {
            using var scope = TF.NameScope($"layer{l}");
            var w = TF.GetVariable($"layer{l}/weights", [Layers[l - 1], Layers[l]], initializer: TF.GlorotUniformInitializer(seed + l));
            var b = TF.GetVariable($"layer{l}/biases", [Layers[l]], initializer: TF.ZerosInitializer());
            h = TF.MatMul(h, w) + b;
            if (l < Layers.Length - 1) h = TF.Relu(h);
        }
        var logits = h;
        // The mean per-example loss of the batch; Correct counts right answers, for accuracy over any number of batches.
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits), name: "loss");
        var correct = TF.ReduceSum(TF.Cast(TF.Equal(TF.ArgMax(logits, 1), TF.ArgMax(labels, 1)), DType.Float32), name: "correct");
        // One gradient, two train ops: the learning rate, and a tenth of it for the last epochs (TF1's
        // learning-rate drop, as two ops on the graph rather than a schedule in the optimizer).
        var gradients = Make(optimizer, learningRate).ComputeGradients(loss);
        var trainOp = Make(optimizer, learningRate).ApplyGradients(gradients);
        var fineTuneOp = Make(optimizer, learningRate / 10).ApplyGradients(gradients);
        return new Mlp(images, labels, loss, correct, trainOp, fineTuneOp, TF.GlobalVariablesInitializer());
    }

    private static Optimizer Make(string optimizer, double learningRate) => optimizer switch
    {
        "adam" => new AdamOptimizer(learningRate),
        "momentum" => new MomentumOptimizer(learningRate, 0.9),
        "sgd" => new GradientDescentOptimizer(learningRate),
        _ => throw new ArgumentException($"Unknown optimizer '{optimizer}': use adam, momentum or sgd."),
    };

    // The last fifth of the epochs (one at least, from 3 epochs on) trains at the lower rate.
    public static int FineTuneEpochs(int epochs) => epochs < 3 ? 0 : Math.Max(1, epochs / 5);
}
