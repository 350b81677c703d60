namespace ActorGraph;

public static partial class TF
{
    public static Tensor Relu(Tensor x, string? name = null) => Op("Relu", [x], name);
    public static Tensor Sigmoid(Tensor x, string? name = null) => Op("Sigmoid", [x], name);
    public static Tensor Tanh(Tensor x, string? name = null) => Op("Tanh", [x], name);

    // Over the last axis.
    public static Tensor Softmax(Tensor logits, string? name = null) => Op("Softmax", [logits], name);

    // One-parameter overloads, so that the method groups fit a Func<Tensor, Tensor> (a layer's activation).
    public static Tensor Relu(Tensor x) => Relu(x, null);
    public static Tensor Sigmoid(Tensor x) => Sigmoid(x, null);
    public static Tensor Tanh(Tensor x) => Tanh(x, null);
    public static Tensor Softmax(Tensor logits) => Softmax(logits, null);
    public static Tensor LogSoftmax(Tensor logits, string? name = null) => Op("LogSoftmax", [logits], name);

    // The per-example loss −Σ labels · log softmax(logits), shape [batch]; labels and logits are
    // [batch, classes] and each row of labels a probability distribution.
    public static Tensor SoftmaxCrossEntropyWithLogits(Tensor labels, Tensor logits, string? name = null) =>
        Op("SoftmaxCrossEntropyWithLogits", [logits, labels], name);
}
