namespace ActorGraph;

// Convolution, pooling and dropout (tf.nn), NHWC; padding "SAME" or "VALID" in either case.
public static partial class TF
{
    // filter [height, width, in_channels, out_channels]; strides [1, stride_height, stride_width, 1].
    public static Tensor Conv2D(Tensor input, Tensor filter, int[] strides, string padding, string? name = null) =>
        Op("Conv2D", [input, filter], name, new() { ["strides"] = Copy(strides, nameof(strides)), ["padding"] = Padding(padding) });

    // ksize and strides [1, height, width, 1].
    public static Tensor MaxPool(Tensor value, int[] ksize, int[] strides, string padding, string? name = null) =>
        Op("MaxPool", [value], name, PoolAttrs(ksize, strides, padding));

    public static Tensor AvgPool(Tensor value, int[] ksize, int[] strides, string padding, string? name = null) =>
        Op("AvgPool", [value], name, PoolAttrs(ksize, strides, padding));

    // value [..., channels] + bias [channels].
    public static Tensor BiasAdd(Tensor value, Tensor bias, string? name = null) => Op("BiasAdd", [value, bias], name);

    // TensorFlow 1.15's rate: the fraction of elements dropped; the kept ones are scaled by 1 / (1 - rate).
    public static Tensor Dropout(Tensor x, double rate, int? seed = null, string? name = null)
    {
        if (!(rate >= 0 && rate < 1))
            throw new ArgumentException($"Dropout: rate must be in [0, 1) (the fraction of elements dropped), got {rate}; to keep everything pass 0.", nameof(rate));
        return Dropout(x, Constant(x.DType == DType.Float64 ? rate : (NDArray)(float)rate, name: "rate"), seed, name);
    }

    // rate: a scalar tensor, checked to be in [0, 1) when the op runs.
    public static Tensor Dropout(Tensor x, Tensor rate, int? seed = null, string? name = null)
    {
        if (x.DType.IsFloating() && rate.DType != x.DType) rate = Cast(rate, x.DType);
        var attrs = new Dictionary<string, object>();
        if (seed is { } s) attrs["seed"] = s;
        return Op("Dropout", [x, rate], name, attrs);
    }

    private static Dictionary<string, object> PoolAttrs(int[] ksize, int[] strides, string padding) =>
        new() { ["ksize"] = Copy(ksize, nameof(ksize)), ["strides"] = Copy(strides, nameof(strides)), ["padding"] = Padding(padding) };

    // A copy, so that the caller changing its array later does not change the graph.
    private static int[] Copy(int[] values, string parameter) =>
        (int[])(values ?? throw new ArgumentNullException(parameter, $"{parameter} must be given as [1, height, width, 1].")).Clone();

    private static string Padding(string padding) =>
        padding ?? throw new ArgumentNullException(nameof(padding), "padding must be \"SAME\" or \"VALID\".");
}
