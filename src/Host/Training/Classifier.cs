namespace ActorGraph.Host.Training;

// A Fashion-MNIST classifier as the trainer drives it. A batch is fed as images [batch, 784] and one-hot
// labels [batch, 10] (and Training as true in a training step, when the model has dropout); one Run of
// [Loss, Correct, TrainOp] is one training step, one Run of [Loss, Correct] an evaluation.
internal sealed record Classifier(string Description, Tensor Images, Tensor Labels, Tensor? Training, Tensor Loss, Tensor Correct,
    Operation TrainOp, Operation FineTuneOp, Operation Init)
{
    public const int Pixels = 784, Classes = 10;
    private const float PixelMean = 0.2860f, PixelStd = 0.3530f;

    // batch: a dataset iterator's GetNext (images, labels) to build on; null for placeholders.
    public static Classifier Build(string model, string optimizer, double learningRate, int seed, Tensor[]? batch = null) => model switch
    {
        "mlp" => Mlp.Build(optimizer, learningRate, seed, batch),
        "cnn" => Cnn.Build(optimizer, learningRate, seed, batch),
        "rnn" => Rnn.Build(optimizer, learningRate, seed, batch),
        _ => throw new ArgumentException($"Unknown model '{model}': use mlp, cnn or rnn."),
    };

    // A GetNext's outputs can still be fed, as any tensor: the evaluation feeds the test set through them.
    public static (Tensor Images, Tensor Labels) Inputs(Tensor[]? batch = null) => batch is [var images, var labels]
        ? (images, labels)
        : (TF.Placeholder(DType.Float32, [-1, Pixels], name: "images"), TF.Placeholder(DType.Float32, [-1, Classes], name: "labels"));

    // Standardized in the graph (Fashion-MNIST's pixel mean and deviation), so Adam starts on well-scaled inputs.
    public static Tensor Standardized(Tensor images) => (images - PixelMean) / PixelStd;

    // The loss, the count of right answers and the train ops for the logits of a model.
    public static Classifier Head(string description, Tensor images, Tensor labels, Tensor? training, Tensor logits, string optimizer, double learningRate)
    {
        // The mean per-example loss of the batch; Correct counts right answers, for accuracy over any number of batches.
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits), name: "loss");
        var correct = TF.ReduceSum(TF.Cast(TF.Equal(TF.ArgMax(logits, 1), TF.ArgMax(labels, 1)), DType.Float32), name: "correct");
        // One gradient, two train ops: the learning rate, and a tenth of it for the last epochs (TF1's
        // learning-rate drop, as two ops on the graph rather than a schedule in the optimizer).
        var gradients = Make(optimizer, learningRate).ComputeGradients(loss);
        var trainOp = Make(optimizer, learningRate).ApplyGradients(gradients);
        var fineTuneOp = Make(optimizer, learningRate / 10).ApplyGradients(gradients);
        return new Classifier(description, images, labels, training, loss, correct, trainOp, fineTuneOp, TF.GlobalVariablesInitializer());
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
