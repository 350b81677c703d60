namespace ActorGraph.Ops;

// What a gradient function sees: the forward op and the gradients flowing into its outputs.
public sealed class GradContext(Operation op, Tensor?[] outputGrads)
{
    public Operation Op { get; } = op;
    public Tensor?[] OutputGrads { get; } = outputGrads;

    public Tensor Input(int i) => Op.InputArray[i];
    public Tensor Output(int i = 0) => Op.Outputs[i];

    // The gradient of the first output; zeros when only another output is connected.
    public Tensor Grad => GradOf(0);

    // The gradient of output i; zeros of its run-time shape when nothing flows into it.
    public Tensor GradOf(int output) => OutputGrads[output] ?? TF.ZerosLike(Op.Outputs[output]);

    public Tensor[] AllGrads() => Enumerable.Range(0, OutputGrads.Length).Select(GradOf).ToArray();

    public T Attr<T>(string key) => Op.Attr<T>(key);
    public T Attr<T>(string key, T fallback) => Op.Attr(key, fallback);
}
