using ActorGraph.GraphTests.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

// Builds a case's op on placeholders in a fresh graph, feeds it and reads values back from the executor.
public sealed class OpHarness : IDisposable
{
    private readonly IDisposable _scope;

    public OpHarness(OpCase c, DType dtype, Func<Shape, Shape>? placeholderShape = null)
    {
        Case = c;
        _scope = Graph.AsDefault();
        Inputs = c.Shapes.Select((s, i) => TF.Placeholder(c.InputDType(i, dtype), (placeholderShape ?? (x => x))(s), $"input{i}")).ToArray();
        Output = c.Build(Inputs);
        Executor = new LocalExecutor(Graph);
    }

    public OpCase Case { get; }
    public Graph Graph { get; } = new();
    public Tensor[] Inputs { get; }
    public Tensor Output { get; }
    public LocalExecutor Executor { get; }

    // Input values drawn for this case, rounded to what each input's dtype can hold.
    public Value[] Draw(int seed)
    {
        var rng = new Random(seed);
        return Case.Shapes.Select((s, i) =>
        {
            var values = Case.Values(rng, i, s);
            var dtype = Inputs[i].DType;
            if (dtype.IsInteger()) values = values.Select(v => Math.Round(v * 2)).ToArray();
            if (dtype == DType.Bool) values = values.Select(v => v != 0 ? 1.0 : 0).ToArray();
            if (dtype == DType.Float32) values = values.Select(v => (double)(float)v).ToArray();
            return new Value(values, s.ToArray());
        }).ToArray();
    }

    public FeedDict Feed(Value[] values)
    {
        var feed = new FeedDict();
        for (int i = 0; i < Inputs.Length; i++) feed[Inputs[i]] = ToNDArray(values[i], Inputs[i].DType);
        return feed;
    }

    public static NDArray ToNDArray(Value v, DType dtype)
    {
        Shape shape = v.Dims;
        return dtype switch
        {
            DType.Float32 => NDArray.FromArray(v.Data.Select(d => (float)d).ToArray(), shape),
            DType.Float64 => NDArray.FromArray(v.Data, shape),
            DType.Int32 => NDArray.FromArray(v.Data.Select(d => (int)d).ToArray(), shape),
            DType.Int64 => NDArray.FromArray(v.Data.Select(d => (long)d).ToArray(), shape),
            _ => NDArray.FromArray(v.Data.Select(d => d != 0).ToArray(), shape),
        };
    }

    // A stable seed per case name (string.GetHashCode changes between runs).
    public static int Seed(string name, int salt = 0)
    {
        uint h = 2166136261;
        foreach (char ch in name) h = (h ^ ch) * 16777619;
        return (int)(h ^ (uint)salt) & int.MaxValue;
    }

    public static void AssertClose(Value expected, NDArray actual, double tolerance, string what)
    {
        Assert.Equal(expected.Dims, actual.Shape.ToArray());
        var values = actual.ToArray<double>();
        for (int i = 0; i < values.Length; i++)
        {
            double e = expected.Data[i], a = values[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a) : Math.Abs(e - a) <= tolerance * (1 + Math.Abs(e));
            Assert.True(ok, $"{what}: element {i} is {a}, expected {e} (tolerance {tolerance}).");
        }
    }

    public void Dispose() => _scope.Dispose();
}
