namespace ActorGraph.Ops;

// What a gradient function sees: the forward op and the gradients flowing into its outputs.
public sealed class GradContext(Operation op, Tensor?[] outputGrads)
{
    public Operation Op { get; } = op;
    public Tensor?[] OutputGrads { get; } = outputGrads;

    public Tensor Input(int i) => Op.InputArray[i];
    public Tensor Output(int i = 0) => Op.Outputs[i];

    // The gradient of the first output; zeros when only another output is connected.
    public Tensor Grad => OutputGrads[0] ?? TF.ZerosLike(Op.Outputs[0]);

    public T Attr<T>(string key) => Op.Attr<T>(key);
    public T Attr<T>(string key, T fallback) => Op.Attr(key, fallback);
}
