using ActorGraph.Ops;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Ops;

// Graph.Tests checks every op on the executor; here one graph per op family runs through local mode's
// actors (two workers, so its ops are placed apart) and must give the executor's values and the
// hand-computed ones. State, random and training ops go through actors in Semantics/ and Training/.
public class OpFamilySmokeTests
{
    private static readonly float[] X = [1, -2, 3, 0.5f];

    private static readonly Dictionary<string, (IEnumerable<OpDef> Family, Func<Tensor, Tensor> Build, float[] Expected, int[] Shape)> Cases = new()
    {
        ["Elementwise"] = (Elementwise.Defs, x => TF.Square(x) * 2f + x, [3, 6, 21, 1], [2, 2]),
        ["Comparisons"] = (Comparisons.Defs, x => TF.Cast(TF.Greater(x, TF.Constant(0.5f)), DType.Float32), [1, 0, 1, 0], [2, 2]),
        ["Reductions"] = (Reductions.Defs, x => TF.ReduceSum(x, [1]), [-1, 3.5f], [2]),
        ["MatrixOps"] = (MatrixOps.Defs, x => TF.MatMul(x, x), [-5, -3, 4.5f, -5.75f], [2, 2]),
        ["ShapeOps"] = (ShapeOps.Defs, x => TF.Transpose(TF.Reshape(x, new Shape(1, 4))), [1, -2, 3, 0.5f], [4, 1]),
        ["NeuralNet"] = (NeuralNet.Defs, x => TF.Relu(x), [1, 0, 3, 0.5f], [2, 2]),
        // d/dx Σ relu(x)·x = 2x where x > 0, else 0: the gradient's own ops (ReluGrad and kin).
        ["GradientOps"] = (GradientOps.Defs, x => TF.Gradients(TF.ReduceSum(TF.Relu(x) * x), [x])[0]!, [2, 0, 6, 1], [2, 2]),
    };

    public static TheoryData<string> Families() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Families))]
    public void Actors_compute_each_op_family_as_the_executor_does(string family)
    {
        var (defs, build, expected, shape) = Cases[family];
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2, 2], "x");
        var y = build(x);
        var types = defs.Select(d => d.Type).ToHashSet();
        Assert.True(graph.Operations.Any(o => types.Contains(o.Type)), $"The {family} graph holds no op of its family: {string.Join(", ", graph.Operations.Select(o => o.Type))}.");
        var feed = new FeedDict { [x] = NDArray.FromArray(X, new Shape(2, 2)) };

        using var actors = new Session(graph, new SessionOptions { Workers = 2, ParameterServers = 1 });
        using var executor = new Session(graph, new SessionOptions { ExecutorOnly = true });
        var byActors = actors.Run(y, feed);
        var byExecutor = executor.Run(y, feed);
        Assert.Equal(shape, byActors.Shape.ToArray());
        Assert.Equal(byExecutor.ToArray<float>(), byActors.ToArray<float>());
        Assert.Equal(expected, byActors.ToArray<float>(), (a, b) => Math.Abs(a - b) < 1e-5);
    }
}
