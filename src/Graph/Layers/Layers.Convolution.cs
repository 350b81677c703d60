namespace ActorGraph;

// tf.layers' conv2d, max_pooling2d and dropout, on NHWC inputs.
public static partial class Layers
{
    // A kernel [kernel_height, kernel_width, in_channels, filters] and a bias [filters]; kernelSize and
    // strides are [height, width], or one number for both.
    public static Tensor Conv2D(Tensor inputs, int filters, int[] kernelSize, int[]? strides = null, string padding = "valid",
        Func<Tensor, Tensor>? activation = null, bool useBias = true, Initializer? kernelInitializer = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (filters <= 0) throw new ArgumentException($"Conv2D: filters must be positive, got {filters}.");
        var shape = inputs.Shape;
        if (shape.Rank != 4 || shape[3] < 0)
            throw new ArgumentException($"Conv2D: the inputs must be [batch, height, width, channels] with known channels, got shape {shape} ('{inputs.Name}'); reshape them first.");
        var (kh, kw) = Pair("Conv2D", "kernelSize", kernelSize);
        var (sh, sw) = strides is null ? (1, 1) : Pair("Conv2D", "strides", strides);
        using (LayerScope("conv2d", name))
        {
            var kernel = TF.GetVariable("kernel", [kh, kw, shape[3], filters], inputs.DType, kernelInitializer);
            var outputs = TF.Conv2D(inputs, kernel, [1, sh, sw, 1], padding);
            if (useBias) outputs = TF.BiasAdd(outputs, TF.GetVariable("bias", [filters], inputs.DType, TF.ZerosInitializer()));
            return activation is null ? outputs : activation(outputs);
        }
    }

    public static Tensor MaxPooling2D(Tensor inputs, int[] poolSize, int[] strides, string padding = "valid", string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var (ph, pw) = Pair("MaxPooling2D", "poolSize", poolSize);
        var (sh, sw) = Pair("MaxPooling2D", "strides", strides);
        using (TF.NameScope(name ?? TF.G.UniqueLayerName("max_pooling2d")))
            return TF.MaxPool(inputs, [1, ph, pw, 1], [1, sh, sw, 1], padding);
    }

    // Without a `training` tensor the inputs pass unchanged. With one, the dropped fraction is
    // rate × training (as 0 or 1): there is no control flow to pick a branch, and dropout at rate 0
    // keeps every element with scale 1, so inference costs only the mask's random draws.
    public static Tensor Dropout(Tensor inputs, double rate = 0.5, Tensor? training = null, int? seed = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentException($"Dropout: rate must be in [0, 1) (the fraction of elements dropped), got {rate}.");
        if (training is not null && (training.DType != DType.Bool || training.Shape.Rank > 0))
            throw new ArgumentException($"Dropout: training must be a scalar bool tensor, got {training}.");
        if (training is null) return inputs;
        using (TF.NameScope(name ?? TF.G.UniqueLayerName("dropout")))
        {
            var droppedFraction = TF.Cast(training, inputs.DType) * rate;
            return TF.Dropout(inputs, droppedFraction, seed);
        }
    }

    private static (int, int) Pair(string layer, string parameter, int[] values)
    {
        if (values is null || values.Length is not (1 or 2) || values.Any(v => v <= 0))
            throw new ArgumentException($"{layer}: {parameter} must be [height, width] (or one number for both) of positive sizes, got " +
                (values is null ? "null" : $"[{string.Join(", ", values)}]") + ".");
        return (values[0], values[^1]);
    }
}
