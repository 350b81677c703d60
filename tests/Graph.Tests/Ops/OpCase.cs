namespace ActorGraph.GraphTests.Ops;

// A value in double precision: what references compute on.
public sealed record Value(double[] Data, int[] Dims)
{
    public Value(double scalar) : this([scalar], []) { }
    public int Size => Data.Length;
}

// One row of the op table: how to build the op from input tensors, its input shapes and values,
// and a reference in double precision.
public sealed record OpCase(string Name, string OpType, Shape[] Shapes, Func<Tensor[], Tensor> Build, Func<Value[], Value> Reference)
{
    // Values for input i of shape s; uniform in (-2, 2) unless the op needs a domain.
    public Func<Random, int, Shape, double[]> Values { get; init; } = Uniform(-2, 2);

    // Inputs with a dtype of their own (Cast's source); null entries follow the dtype under test.
    public DType?[]? InputDTypes { get; init; }

    // Also check the kernel on int32 and int64 (values rounded to integers).
    public bool Ints { get; init; }

    // Central differences on a float32 output need a larger step: Cast to float32.
    public double GradStep { get; init; } = 1e-6;
    public double GradTolerance { get; init; } = 1e-5;

    public DType InputDType(int i, DType underTest) => InputDTypes?[i] ?? underTest;

    public override string ToString() => Name;

    public static Func<Random, int, Shape, double[]> Uniform(double min, double max) =>
        (rng, _, shape) => Draw(rng, shape, () => min + (max - min) * rng.NextDouble());

    // Small integers, so comparisons see ties and equal values.
    public static Func<Random, int, Shape, double[]> Integers(int min, int max) =>
        (rng, _, shape) => Draw(rng, shape, () => rng.Next(min, max + 1));

    public static double[] Draw(Random rng, Shape shape, Func<double> next)
    {
        var values = new double[shape.Size];
        for (int i = 0; i < values.Length; i++) values[i] = next();
        return values;
    }
}
