namespace ActorGraph.Autodiff;

// Helpers gradient functions share.
public static class GradUtil
{
    // Sums a broadcast gradient back to the shape of the input it flows to; no node at all when
    // the shapes are known to be equal.
    public static Tensor SumToShapeOf(Tensor grad, Tensor input)
    {
        if (grad.Shape.IsFullyDefined && grad.Shape.Equals(input.Shape)) return grad;
        return grad.Graph.AddOperation("SumToShapeOf", [grad, input]).Outputs[0];
    }
}
