namespace ActorGraph;

// A sparse gradient as TensorFlow 1's IndexedSlices: rows `Values[i]` of a tensor of shape `DenseShape` at
// row numbers `Indices[i]` (repeated indices add up). It is the output of the op that scatters Values into zeros,
// so used as a tensor it is its dense value, computed only if something reads it; optimizers read Values and
// Indices instead and update the named rows alone.
public sealed class IndexedSlices : Tensor
{
    internal IndexedSlices(Operation op, DType dtype, Shape shape) : base(op, 0, dtype, shape)
    {
    }

    // One row per index: shape [n] + DenseShape[1:].
    public Tensor Values => Op.Inputs[0];

    // int32 or int64 row numbers along axis 0, shape [n].
    public Tensor Indices => Op.Inputs[1];

    public Shape DenseShape => Shape;

    // The dense tensor's run-time shape comes from this tensor when DenseShape is not fully defined.
    internal Tensor? ShapeSource => Op.Inputs.Count > 2 ? Op.Inputs[2] : null;

    public override string ToString() =>
        $"IndexedSlices(indices={Indices}, values={Values}, dense_shape={DenseShape})";
}
