using ActorGraph.Kernels;

namespace ActorGraph.Execution;

// Checks a feed dict against the graph before any op runs, converting integer values fed into
// float tensors as TensorFlow converts Python numbers.
internal static class Feeds
{
    private static readonly KeyValuePair<Tensor, NDArray>[] None = [];

    public static IReadOnlyList<KeyValuePair<Tensor, NDArray>> Validate(Graph graph, FeedDict? feeds)
    {
        if (feeds is null || feeds.Count == 0) return None;
        var result = new KeyValuePair<Tensor, NDArray>[feeds.Count];
        int i = 0;
        foreach (var (tensor, value) in feeds)
            result[i++] = new(tensor, Check(graph, tensor, value));
        return result;
    }

    // The usual cause of a rank off by one: a single example fed where a batch is expected.
    // Nothing is added otherwise: TensorFlow's text already shows both shapes.
    private static string ShapeHint(Shape wanted, Shape given) =>
        wanted.Rank == given.Rank + 1 && wanted[0] is -1 or 1
            ? $"\n  A single example needs its batch dimension: feed it with shape {new Shape([1, .. given])}."
            : "";

    public static NDArray Check(Graph graph, Tensor tensor, NDArray? value)
    {
        if (tensor.Graph != graph)
            throw new InvalidArgumentException($"Cannot interpret feed_dict key as Tensor: {Errors.NotInGraph(tensor)}");
        if (value is null)
            throw new InvalidArgumentException($"The feed for Tensor '{tensor.Name}' is null; give it a value.");
        if (!tensor.Shape.IsCompatibleWith(value.Shape))
            throw new InvalidArgumentException($"Cannot feed value of shape {value.Shape} for Tensor '{tensor.Name}', which has shape '{tensor.Shape}'" + ShapeHint(tensor.Shape, value.Shape));
        if (value.DType == tensor.DType) return value;
        if (value.DType.IsInteger() && tensor.DType.IsFloating()) return Cast.To(value, tensor.DType);
        throw new InvalidArgumentException(
            $"Cannot feed a {value.DType.PythonName()} value for Tensor '{tensor.Name}', which has dtype {tensor.DType.PythonName()}; " +
            $"feed a {tensor.DType.PythonName()} value (or an integer, for a float tensor).");
    }
}
