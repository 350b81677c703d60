namespace ActorGraph.Ops;

// Axis arguments as TensorFlow takes them: negative axes count from the end. `rank` is the rank
// the axis indexes (one more than the input's for ops that insert an axis: Stack, ExpandDims).
internal static class AxisRules
{
    public static int Normalize(InferContext ctx, int axis, int rank) =>
        TryNormalize(axis, rank) ?? throw ctx.Error($"{OutOfRange(axis, rank)}; inputs: {ctx.Describe()}");

    public static int Normalize(KernelContext ctx, int axis, int rank, Shape shape) =>
        TryNormalize(axis, rank) ?? throw RunError(ctx, $"{OutOfRange(axis, rank)}; input shape {shape.ToBracketString()}");

    private static int? TryNormalize(int axis, int rank) => axis >= -rank && axis < rank ? (axis < 0 ? axis + rank : axis) : null;

    private static string OutOfRange(int axis, int rank) => $"axis {axis} is out of range for rank {rank} (axes go from {-rank} to {rank - 1})";

    public static InvalidArgumentException RunError(KernelContext ctx, string problem) => new($"{ctx.Op.Type} (op '{ctx.Op.Name}'): {problem}.");

    // The shapes of two values meant to be equal, merged: known dims must agree; null when they do not.
    public static Shape? Merge(Shape a, Shape b)
    {
        if (a.IsUnknownRank) return b;
        if (b.IsUnknownRank) return a;
        if (!a.IsCompatibleWith(b)) return null;
        return Shape.Own(a.Dims.Zip(b.Dims, (x, y) => x >= 0 ? x : y).ToArray());
    }

    public static int[] Without(int[] dims, int axis) => [.. dims[..axis], .. dims[(axis + 1)..]];

    public static int[] With(int[] dims, int axis, int size) => [.. dims[..axis], size, .. dims[axis..]];
}
