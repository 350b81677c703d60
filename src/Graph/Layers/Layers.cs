namespace ActorGraph;

// TensorFlow 1's tf.layers: each layer makes its variables with GetVariable inside a variable scope named
// after the layer (`dense`, `dense_1`, … unless `name` is given), so its variables are `dense/kernel`,
// `dense/bias`, and a reused scope shares them.
public static partial class Layers
{
    public static Tensor Dense(Tensor inputs, int units, Func<Tensor, Tensor>? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (units <= 0) throw new ArgumentException($"Dense: units must be positive, got {units}.");
        var shape = inputs.Shape;
        if (shape.Rank < 2 || shape[shape.Rank - 1] < 0)
            throw new ArgumentException($"Dense: the inputs need rank 2 or more with a known last dimension, got shape {shape} ('{inputs.Name}'); reshape or Flatten them first.");
        var outputShape = shape.Rank > 2 ? KeepLeading(shape, units) : null;
        using (LayerScope("dense", name))
        {
            var kernel = TF.GetVariable("kernel", [shape[shape.Rank - 1], units], inputs.DType, kernelInitializer);
            var flat = shape.Rank == 2 ? inputs : TF.Reshape(inputs, [-1, shape[shape.Rank - 1]]);
            var outputs = TF.MatMul(flat, kernel);
            if (useBias) outputs = TF.BiasAdd(outputs, TF.GetVariable("bias", [units], inputs.DType, TF.ZerosInitializer()));
            if (outputShape is not null) outputs = TF.Reshape(outputs, outputShape);
            return activation is null ? outputs : activation(outputs);
        }
    }

    // Keeps the first axis (the batch) and folds the rest into one.
    public static Tensor Flatten(Tensor inputs, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shape = inputs.Shape;
        if (shape.Rank < 1)
            throw new ArgumentException($"Flatten: the inputs need a known rank of at least 1, got shape {shape} ('{inputs.Name}').");
        int features = 1;
        for (int i = 1; i < shape.Rank; i++)
        {
            if (shape[i] < 0)
                throw new ArgumentException($"Flatten: every axis but the first must be known, got shape {shape} ('{inputs.Name}').");
            features *= shape[i];
        }
        using (TF.NameScope(name ?? TF.G.UniqueLayerName("flatten")))
            return TF.Reshape(inputs, [-1, features]);
    }

    // The layer's variable scope; a given name is taken as it is, a default one made unique in its scope.
    private static IDisposable LayerScope(string kind, string? name) =>
        TF.VariableScope(name ?? TF.G.UniqueLayerName(kind));

    private static Shape KeepLeading(Shape shape, int last)
    {
        var dims = shape.ToArray();
        dims[^1] = last;
        if (dims.Count(d => d < 0) > 1)
            throw new ArgumentException($"Dense: inputs of rank {shape.Rank} may have at most one unknown dimension, got shape {shape}.");
        return new Shape(dims);
    }
}
