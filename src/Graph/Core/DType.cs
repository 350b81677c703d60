namespace ActorGraph;

public enum DType
{
    Float32,
    Float64,
    Int32,
    Int64,
    Bool,
    // Byte strings (TensorFlow's tf.string): serialized protocol buffers, text.
    String,
}

public static class DTypes
{
    // TensorFlow's Python names, as in Tensor("Const:0", shape=(), dtype=int32).
    public static string PythonName(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Bool => "bool",
        DType.String => "string",
        _ => dtype.ToString(),
    };

    // TensorFlow's kernel names, as in "You must feed a value ... with dtype float".
    public static string KernelName(this DType dtype) => dtype switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        _ => dtype.PythonName(),
    };

    public static bool IsFloating(this DType dtype) => dtype is DType.Float32 or DType.Float64;
    public static bool IsInteger(this DType dtype) => dtype is DType.Int32 or DType.Int64;
    public static bool IsNumeric(this DType dtype) => dtype is not (DType.Bool or DType.String);

    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        // A string element is a reference; its bytes vary (StringElements.EncodedSize counts them).
        DType.String => IntPtr.Size,
        _ => 1,
    };

    // A zeroed array of the dtype's CLR type: `new T[n]`, several times faster than Array.CreateInstance, which
    // kernels' outputs would otherwise pay for on every allocation.
    internal static Array NewArray(this DType dtype, int length) => dtype switch
    {
        DType.Float32 => new float[length],
        DType.Float64 => new double[length],
        DType.Int32 => new int[length],
        DType.Int64 => new long[length],
        DType.String => new byte[]?[length],
        _ => new bool[length],
    };

    public static Type ClrType(this DType dtype) => dtype switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int32 => typeof(int),
        DType.Int64 => typeof(long),
        DType.String => typeof(byte[]),
        _ => typeof(bool),
    };

    public static DType Of<T>()
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(double)) return DType.Float64;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(long)) return DType.Int64;
        if (typeof(T) == typeof(bool)) return DType.Bool;
        if (typeof(T) == typeof(byte[])) return DType.String;
        throw new ArgumentException($"{typeof(T).Name} is not an element type; use float, double, int, long or bool.");
    }
}
