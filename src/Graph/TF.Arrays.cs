namespace ActorGraph;

// Joining, cutting, indexing and reshaping arrays, as TensorFlow 1's array_ops.
public static partial class TF
{
    public static Tensor Concat(IReadOnlyList<Tensor> values, int axis, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Op("ConcatV2", [.. values], name, new() { ["axis"] = axis });
    }

    public static Tensor Stack(IReadOnlyList<Tensor> values, int axis = 0, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Op("Pack", [.. values], name, new() { ["axis"] = axis });
    }

    // One tensor per position along `axis`, which must have a static size (as tf.unstack's num).
    public static Tensor[] Unstack(Tensor value, int axis = 0, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var shape = value.Shape;
        if (shape.IsUnknownRank)
            throw new ArgumentException($"Unpack: cannot infer how many tensors to unstack from '{value.Name}', whose shape is unknown; give it a static shape first (TF.Reshape).");
        int normalized = axis < 0 ? axis + shape.Rank : axis;
        // An axis out of range (or a scalar) is left to the op's inference, which names the problem.
        int num = normalized >= 0 && normalized < shape.Rank ? shape[normalized] : 0;
        if (num < 0)
            throw new ArgumentException($"Unpack: Cannot infer num from shape {shape} of '{value.Name}': dimension {normalized} is unknown; give it a static size first (TF.Reshape).");
        return Unpack(value, num, axis, name);
    }

    internal static Tensor[] Unpack(Tensor value, int num, int axis, string? name = null) =>
        [.. G.AddOperation("Unpack", [value], new Dictionary<string, object> { ["num"] = num, ["axis"] = axis }, name).Outputs];

    public static Tensor[] Split(Tensor value, int numSplit, int axis = 0, string? name = null) =>
        [.. G.AddOperation("Split", [value], new Dictionary<string, object> { ["numSplit"] = numSplit, ["axis"] = axis }, name).Outputs];

    // A size of -1 takes the rest of that axis.
    public static Tensor Slice(Tensor x, int[] begin, int[] size, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(size);
        return Op("Slice", [x], name, new() { ["begin"] = (int[])begin.Clone(), ["size"] = (int[])size.Clone() });
    }

    // Rows of `parameters` along `axis` at int32 or int64 `indices`; an index out of range fails the step.
    public static Tensor Gather(Tensor parameters, Tensor indices, int axis = 0, string? name = null) =>
        Op("GatherV2", [parameters, indices], name, new() { ["axis"] = axis });

    internal static Tensor GatherGrad(Tensor grad, Tensor indices, Tensor like, int axis) =>
        Op("GatherGrad", [grad, indices, like], null, new() { ["axis"] = axis });

    public static Tensor OneHot(Tensor indices, int depth, DType dtype = DType.Float32, string? name = null) =>
        Op("OneHot", [indices], name, new() { ["depth"] = depth, ["dtype"] = dtype });

    public static Tensor ExpandDims(Tensor x, int axis, string? name = null) => Op("ExpandDims", [x], name, new() { ["axis"] = axis });

    // axis null removes every axis of size 1.
    public static Tensor Squeeze(Tensor x, int[]? axis = null, string? name = null)
    {
        var attrs = new Dictionary<string, object>();
        if (axis is not null) attrs["axis"] = (int[])axis.Clone();
        return Op("Squeeze", [x], name, attrs);
    }

    // paddings is [rank, 2]: how many zeros before and after each axis.
    public static Tensor Pad(Tensor x, int[,] paddings, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(paddings);
        if (paddings.GetLength(1) != 2)
            throw new ArgumentException($"Pad: paddings must be a [rank, 2] array (before and after for each axis), got [{paddings.GetLength(0)}, {paddings.GetLength(1)}].");
        return Op("Pad", [x], name, new() { ["paddings"] = paddings.Cast<int>().ToArray() });
    }

    public static Tensor Tile(Tensor x, int[] multiples, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(multiples);
        return Op("Tile", [x], name, new() { ["multiples"] = (int[])multiples.Clone() });
    }

    // TensorFlow 1's tf.where with x and y: element-wise select; a vector condition picks whole rows.
    public static Tensor Where(Tensor condition, Tensor x, Tensor y, string? name = null) => Op("Select", [condition, x, y], name);

    public static Tensor Fill(Shape shape, double value, DType dtype = DType.Float32, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Op("Fill", [], name, new() { ["shape"] = shape, ["value"] = value, ["dtype"] = dtype });
    }

    public static Tensor Range(int start, int limit, int delta = 1, string? name = null) =>
        Op("Range", [], name, new() { ["start"] = start, ["limit"] = limit, ["delta"] = delta });

    public static Tensor ReduceMax(Tensor x, int[]? axis = null, bool keepDims = false, string? name = null) =>
        Op("Max", [x], name, ReductionAttrs(axis, keepDims));
}
