namespace ActorGraph.Autodiff;

// Helpers gradient functions share: the ops that undo a forward op's change of shape, reading
// the shape to restore from a tensor at run time, since static shapes may have unknown dims.
public static class GradUtil
{
    // Sums a broadcast gradient back to the shape of the input it flows to; no node at all when
    // the shapes are known to be equal.
    public static Tensor SumToShapeOf(Tensor grad, Tensor input)
    {
        if (grad.Shape.IsFullyDefined && grad.Shape.Equals(input.Shape)) return grad;
        return grad.Graph.AddOperation("SumToShapeOf", [grad, input]).Outputs[0];
    }

    // Repeats x (NumPy broadcasting) to the run-time shape of `like`; with expandAxes, x first gets
    // size-1 axes at those positions of like's rank (a reduction's removed axes).
    public static Tensor BroadcastToShapeOf(Tensor x, Tensor like, int[]? expandAxes = null)
    {
        var attrs = new Dictionary<string, object>();
        if (expandAxes is not null) attrs["expandAxes"] = expandAxes;
        return x.Graph.AddOperation("BroadcastToShapeOf", [x, like], attrs).Outputs[0];
    }

    // How many elements of `input` went into each element of `reduced`, as a scalar of input's dtype.
    public static Tensor ReducedCount(Tensor input, Tensor reduced) =>
        input.Graph.AddOperation("ReducedCount", [input, reduced]).Outputs[0];

    // x's values in the run-time shape of `like`.
    public static Tensor ReshapeLike(Tensor x, Tensor like) =>
        x.Graph.AddOperation("ReshapeLike", [x, like]).Outputs[0];

    // x cut along `axis` into parts of the run-time shapes of `likes` (the gradient of Concat).
    public static Tensor[] SplitToShapesOf(Tensor x, IReadOnlyList<Tensor> likes, int axis) =>
        [.. x.Graph.AddOperation("SplitToShapesOf", [x, .. likes], new Dictionary<string, object> { ["axis"] = axis }).Outputs];

    // Zeros of like's run-time shape with x written at `begin` (the gradient of Slice).
    public static Tensor PadToShapeOf(Tensor x, Tensor like, int[] begin) =>
        x.Graph.AddOperation("PadToShapeOf", [x, like], new Dictionary<string, object> { ["begin"] = begin }).Outputs[0];

    // The box of like's run-time shape at `begin` of x (the gradient of Pad).
    public static Tensor SliceToShapeOf(Tensor x, Tensor like, int[] begin) =>
        x.Graph.AddOperation("SliceToShapeOf", [x, like], new Dictionary<string, object> { ["begin"] = begin }).Outputs[0];

    // x cut into tiles of like's run-time shape, `multiples` along each axis, summed (the gradient of Tile).
    public static Tensor SumTilesToShapeOf(Tensor x, Tensor like, int[] multiples) =>
        x.Graph.AddOperation("SumTilesToShapeOf", [x, like], new Dictionary<string, object> { ["multiples"] = multiples }).Outputs[0];
}
