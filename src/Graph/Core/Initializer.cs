namespace ActorGraph;

// How a variable gets its first value: builds the ops that compute it.
public abstract class Initializer
{
    internal abstract Tensor Build(Shape shape, DType dtype);

    // One part of a partitioned variable of shape `full`: the same values' distribution as the whole would have.
    internal virtual Tensor BuildPart(Shape part, Shape full, DType dtype) => Build(part, dtype);

    // A hash table's rows, drawn from (seed, id); null when the initializer needs the table's size (Glorot's fans).
    internal virtual HashTables.HashRowInit? RowsById(long defaultSeed) => null;
}

internal sealed class ConstantInitializer(double value) : Initializer
{
    // As TensorFlow's zeros and ones: a Fill past 1,000 elements, so a large table's value is not a constant in the
    // graph (the graph travels to every node) but drawn where the variable lives (GeneratedInitialValues).
    private const long LargestConstant = 1000;

    internal override Tensor Build(Shape shape, DType dtype)
    {
        if (shape.Size > LargestConstant && dtype is DType.Float32 or DType.Float64 or DType.Int32 or DType.Int64 or DType.Bool)
            return TF.Fill(shape, value, dtype);
        var array = NDArray.Zeros(dtype, shape);
        // A string variable starts as empty strings, as TensorFlow's zeros_initializer makes them.
        if (dtype == DType.String)
            return value == 0 ? TF.Constant(array) : throw new ArgumentException($"A string variable cannot start at {value}; use TF.ZerosInitializer() (empty strings) and assign the strings.");
        for (int i = 0; i < array.Length; i++) Kernels.Fill.Set(array, i, value);
        return TF.Constant(array);
    }

    internal override HashTables.HashRowInit? RowsById(long defaultSeed) => new(HashTables.HashRowDistribution.Constant, value, 0, defaultSeed);
}

// RandomUniform: offset + scale * U[0,1); RandomStandardNormal: offset + scale * N(0,1).
internal sealed class RandomInitializer(string type, double offset, double scale, int? seed) : Initializer
{
    internal override Tensor Build(Shape shape, DType dtype)
    {
        if (!dtype.IsFloating()) throw new ArgumentException($"{type}: random initializers make float32 or float64 values, not {dtype.PythonName()}.");
        var attrs = new Dictionary<string, object> { ["dtype"] = dtype, ["shape"] = shape, ["offset"] = offset, ["scale"] = scale };
        if (seed is { } s) attrs["seed"] = s;
        return TF.Op(type, [], null, attrs);
    }

    internal override HashTables.HashRowInit? RowsById(long defaultSeed) => new(
        type == "RandomUniform" ? HashTables.HashRowDistribution.Uniform : HashTables.HashRowDistribution.Normal, offset, scale, seed ?? defaultSeed);
}

internal sealed class GlorotUniformInitializer(int? seed) : Initializer
{
    internal override Tensor Build(Shape shape, DType dtype)
    {
        var (fanIn, fanOut) = Fans(shape);
        double limit = Math.Sqrt(6.0 / Math.Max(1.0, fanIn + fanOut));
        return new RandomInitializer("RandomUniform", -limit, 2 * limit, seed).Build(shape, dtype);
    }

    // As TensorFlow's partition_info: the fans are the whole table's, so each part is drawn from the same range.
    internal override Tensor BuildPart(Shape part, Shape full, DType dtype)
    {
        var (fanIn, fanOut) = Fans(full);
        double limit = Math.Sqrt(6.0 / Math.Max(1.0, fanIn + fanOut));
        return new RandomInitializer("RandomUniform", -limit, 2 * limit, seed).Build(part, dtype);
    }

    private static (double, double) Fans(Shape shape)
    {
        var dims = shape.ToArray();
        if (dims.Length == 0) return (1, 1);
        if (dims.Length == 1) return (dims[0], dims[0]);
        double receptive = 1;
        for (int i = 0; i < dims.Length - 2; i++) receptive *= dims[i];
        return (dims[^2] * receptive, dims[^1] * receptive);
    }
}
