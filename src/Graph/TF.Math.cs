namespace ActorGraph;

public static partial class TF
{
    public static Tensor Add(Tensor x, Tensor y, string? name = null) => Op("Add", [x, y], name);
    public static Tensor Subtract(Tensor x, Tensor y, string? name = null) => Op("Sub", [x, y], name);
    public static Tensor Multiply(Tensor x, Tensor y, string? name = null) => Op("Mul", [x, y], name);
    // TensorFlow 1's tf.divide and Python's `/`: true division. Integers are cast to float64 first, as
    // TensorFlow's truediv does for int32 and int64, so 7 / 2 is 3.5 and 1 / 0 is inf (not a crash).
    public static Tensor Divide(Tensor x, Tensor y, string? name = null)
    {
        if (x.DType.IsInteger() && y.DType == x.DType)
        {
            x = Cast(x, DType.Float64);
            y = Cast(y, DType.Float64);
        }
        return Op("RealDiv", [x, y], name);
    }
    public static Tensor Negate(Tensor x, string? name = null) => Op("Neg", [x], name);
    public static Tensor Square(Tensor x, string? name = null) => Op("Square", [x], name);
    public static Tensor ZerosLike(Tensor x, string? name = null) => Op("ZerosLike", [x], name);
    public static Tensor OnesLike(Tensor x, string? name = null) => Op("OnesLike", [x], name);

    public static Tensor Sqrt(Tensor x, string? name = null) => Op("Sqrt", [x], name);
    public static Tensor Exp(Tensor x, string? name = null) => Op("Exp", [x], name);
    public static Tensor Log(Tensor x, string? name = null) => Op("Log", [x], name);
    public static Tensor Abs(Tensor x, string? name = null) => Op("Abs", [x], name);
    public static Tensor Sign(Tensor x, string? name = null) => Op("Sign", [x], name);
    public static Tensor Pow(Tensor x, Tensor y, string? name = null) => Op("Pow", [x, y], name);
    public static Tensor Maximum(Tensor x, Tensor y, string? name = null) => Op("Maximum", [x, y], name);
    public static Tensor Minimum(Tensor x, Tensor y, string? name = null) => Op("Minimum", [x, y], name);

    public static Tensor Equal(Tensor a, Tensor b, string? name = null) => Op("Equal", [a, b], name);
    public static Tensor NotEqual(Tensor a, Tensor b, string? name = null) => Op("NotEqual", [a, b], name);
    public static Tensor Less(Tensor a, Tensor b, string? name = null) => Op("Less", [a, b], name);
    public static Tensor LessEqual(Tensor a, Tensor b, string? name = null) => Op("LessEqual", [a, b], name);
    public static Tensor Greater(Tensor a, Tensor b, string? name = null) => Op("Greater", [a, b], name);
    public static Tensor GreaterEqual(Tensor a, Tensor b, string? name = null) => Op("GreaterEqual", [a, b], name);

    // int64 indices, as TensorFlow's default output_type.
    public static Tensor ArgMax(Tensor x, int axis, string? name = null) => Op("ArgMax", [x], name, new() { ["axis"] = axis });

    // axis null reduces every axis, an empty array none; negative axes count from the end.
    public static Tensor ReduceSum(Tensor x, int[]? axis = null, bool keepDims = false, string? name = null) =>
        Op("Sum", [x], name, ReductionAttrs(axis, keepDims));

    public static Tensor ReduceMean(Tensor x, int[]? axis = null, bool keepDims = false, string? name = null) =>
        Op("Mean", [x], name, ReductionAttrs(axis, keepDims));

    private static Dictionary<string, object> ReductionAttrs(int[]? axis, bool keepDims)
    {
        var attrs = new Dictionary<string, object> { ["keepDims"] = keepDims };
        if (axis is not null) attrs["axis"] = (int[])axis.Clone();
        return attrs;
    }

    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false, string? name = null) =>
        Op("MatMul", [a, b], name, new() { ["transposeA"] = transposeA, ["transposeB"] = transposeB });

    // As tf.cast, a cast to the tensor's own dtype is the tensor itself.
    public static Tensor Cast(Tensor x, DType dtype, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.DType == dtype ? x : Op("Cast", [x], name, new() { ["dtype"] = dtype });
    }

    // One dimension of `shape` may be -1: it takes whatever size is left.
    public static Tensor Reshape(Tensor x, Shape shape, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Op("Reshape", [x], name, new() { ["shape"] = shape });
    }

    // perm null reverses the axes (a matrix transpose for rank 2).
    public static Tensor Transpose(Tensor x, int[]? perm = null, string? name = null)
    {
        var attrs = new Dictionary<string, object>();
        if (perm is not null) attrs["perm"] = (int[])perm.Clone();
        return Op("Transpose", [x], name, attrs);
    }
}
