namespace ActorGraph;

public static partial class TF
{
    // sum(x²) / 2, as one number.
    public static Tensor L2Loss(Tensor x, string? name = null) =>
        Composite(name, "L2Loss", scope => Multiply(ReduceSum(Square(x)), ScalarLike(x, 0.5), scope));

    // The per-example loss −log softmax(logits)[label]: labels int32 or int64 [batch], logits [batch, classes].
    // A label outside [0, classes) fails the step, naming it.
    public static Tensor SparseSoftmaxCrossEntropyWithLogits(Tensor labels, Tensor logits, string? name = null) =>
        Op("SparseSoftmaxCrossEntropyWithLogits", [logits, labels], name);

    // Element-wise max(x, 0) − x·z + log(1 + exp(−|x|)) for logits x and labels z, which stays finite
    // for large |x|; built with selects, as TensorFlow's, so the gradient at x = 0 is sigmoid(0) − z.
    public static Tensor SigmoidCrossEntropyWithLogits(Tensor labels, Tensor logits, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(logits);
        if (labels.DType != logits.DType || !labels.Shape.IsCompatibleWith(logits.Shape))
            throw new ArgumentException($"SigmoidCrossEntropyWithLogits: logits and labels must have the same shape and dtype, got logits " +
                $"'{logits.Name}' {logits.DType.PythonName()} {logits.Shape} and labels '{labels.Name}' {labels.DType.PythonName()} {labels.Shape}.");
        return Composite(name, "logistic_loss", scope =>
        {
            var zeros = ZerosLike(logits);
            var positive = GreaterEqual(logits, zeros);
            var reluLogits = Where(positive, logits, zeros);
            var negativeAbs = Where(positive, Negate(logits), logits);
            return Add(reluLogits - logits * labels, Log(1 + Exp(negativeAbs)), scope);
        });
    }

    // A builder as TensorFlow's Python writes one: its ops under a name scope, the last named as the scope.
    private static Tensor Composite(string? name, string defaultName, Func<string, Tensor> build)
    {
        using (G.NameScope(name ?? defaultName)) return build(G.CurrentNameScope + "/");
    }
}
