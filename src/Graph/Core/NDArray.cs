using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using ActorGraph.Wire;
using MessagePack;

namespace ActorGraph;

// A concrete value: what Run returns and what a feed holds. Row-major, one typed array.
[MessagePackFormatter(typeof(NDArrayFormatter))]
public sealed partial class NDArray
{
    private readonly Array _data;

    public DType DType { get; }
    public Shape Shape { get; }
    public int Length { get; }

    internal NDArray(DType dtype, Shape shape, Array data)
    {
        if (!shape.IsFullyDefined) throw new ArgumentException($"A value needs a fully defined shape, not {shape}.");
        DType = dtype;
        Shape = shape;
        Length = shape.ElementCount;
        _data = data;
        if (data.Length < Length) throw new ArgumentException($"{Length} elements needed for shape {shape}, {data.Length} given.");
    }

    public static NDArray Zeros(DType dtype, Shape shape) =>
        dtype == DType.String ? EmptyStrings(shape) : new(dtype, shape, dtype.NewArray(shape.ElementCount));

    public static NDArray FromArray<T>(T[] values, Shape shape) where T : unmanaged
    {
        if (shape.Size != values.Length)
            throw new ArgumentException($"{values.Length} values do not fill shape {shape} ({shape.Size} elements).");
        return new NDArray(DTypes.Of<T>(), shape, (T[])values.Clone());
    }

    public static NDArray Scalar<T>(T value) where T : unmanaged => new(DTypes.Of<T>(), Shape.Scalar, new T[] { value });

    // Takes ownership of `values` without a copy.
    internal static NDArray Wrap<T>(T[] values, Shape shape) where T : unmanaged => new(DTypes.Of<T>(), shape, values);

    // Contents undefined: for callers that overwrite every byte (the wire formatter).
    internal static NDArray Uninitialized(DType dtype, Shape shape)
    {
        int n = shape.ElementCount;
        Array data = dtype switch
        {
            DType.Float32 => GC.AllocateUninitializedArray<float>(n),
            DType.Float64 => GC.AllocateUninitializedArray<double>(n),
            DType.Int32 => GC.AllocateUninitializedArray<int>(n),
            DType.Int64 => GC.AllocateUninitializedArray<long>(n),
            DType.String => new byte[n][],
            _ => GC.AllocateUninitializedArray<bool>(n),
        };
        return new NDArray(dtype, shape, data);
    }

    internal Array RawArray => _data;

    // Who may still write this array (ArrayOwner says what keeping it takes); free unless an owner marked it.
    internal ArrayOwner Owner { get; private set; } = ArrayOwner.None;

    internal void OwnedBy(ArrayOwner owner) => Owner = owner;

    // The array to keep beyond its owner's next write: this one, given up by its owner, or a copy.
    internal NDArray ToKeep() => Owner.ToKeep(this);

    internal Span<T> Span<T>() where T : unmanaged => ((T[])_data).AsSpan(0, Length);

    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged
    {
        CheckType<T>();
        return ((T[])_data).AsSpan(0, Length);
    }

    internal Span<byte> Bytes => DType == DType.String ? throw NoFixedWidth() : MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(_data), Length * DType.SizeInBytes());

    public T ToScalar<T>() where T : unmanaged
    {
        if (Length != 1) throw new InvalidOperationException($"ToScalar needs a single value, but this array has shape {Shape}.");
        return Convert<T>(0);
    }

    public T[] ToArray<T>() where T : unmanaged
    {
        if (typeof(T) == DType.ClrType()) return ((T[])_data).AsSpan(0, Length).ToArray();
        var result = new T[Length];
        for (int i = 0; i < Length; i++) result[i] = Convert<T>(i);
        return result;
    }

    public NDArray Copy()
    {
        var data = DType.NewArray(Length);
        Array.Copy(_data, data, Length);
        return new NDArray(DType, Shape, data);
    }

    internal NDArray WithShape(Shape shape) => new(DType, shape, _data);

    internal double GetDouble(int i) => DType switch
    {
        DType.Float32 => ((float[])_data)[i],
        DType.Float64 => ((double[])_data)[i],
        DType.Int32 => ((int[])_data)[i],
        DType.Int64 => ((long[])_data)[i],
        DType.String => throw NotANumber(),
        _ => ((bool[])_data)[i] ? 1 : 0,
    };

    private T Convert<T>(int i) where T : unmanaged
    {
        if (typeof(T) == DType.ClrType()) return ((T[])_data)[i];
        double v = GetDouble(i);
        if (typeof(T) == typeof(float)) return (T)(object)(float)v;
        if (typeof(T) == typeof(double)) return (T)(object)v;
        if (typeof(T) == typeof(int)) return (T)(object)(int)v;
        if (typeof(T) == typeof(long)) return (T)(object)(long)v;
        if (typeof(T) == typeof(bool)) return (T)(object)(v != 0);
        throw new ArgumentException($"{typeof(T).Name} is not an element type; use float, double, int, long or bool.");
    }

    private void CheckType<T>()
    {
        if (typeof(T) != DType.ClrType())
            throw new InvalidOperationException($"This array holds {DType.PythonName()}, not {typeof(T).Name}; use ToArray<T>() to convert.");
    }

    // A scalar prints as its value (5); arrays as NumPy does ([1 2 3], [[1 2] [3 4]]).
    public override string ToString() => Layout(Format);

    private string Layout(Func<int, string> format)
    {
        if (Shape.Rank == 0) return format(0);
        var sb = new StringBuilder();
        int index = 0;
        AppendDims(sb, 0, ref index, format);
        return sb.ToString();
    }

    private void AppendDims(StringBuilder sb, int axis, ref int index, Func<int, string> format)
    {
        sb.Append('[');
        int n = Shape[axis];
        for (int i = 0; i < n; i++)
        {
            if (i > 0) sb.Append(' ');
            if (axis == Shape.Rank - 1) sb.Append(format(index++));
            else AppendDims(sb, axis + 1, ref index, format);
        }
        sb.Append(']');
    }

    internal string Format(int i) => DType switch
    {
        DType.Float32 => ((float[])_data)[i].ToString(CultureInfo.InvariantCulture),
        DType.Float64 => ((double[])_data)[i].ToString(CultureInfo.InvariantCulture),
        DType.Int32 => ((int[])_data)[i].ToString(CultureInfo.InvariantCulture),
        DType.Int64 => ((long[])_data)[i].ToString(CultureInfo.InvariantCulture),
        DType.String => PythonBytes(((byte[][])_data)[i]),
        _ => ((bool[])_data)[i] ? "True" : "False",
    };

    public static implicit operator NDArray(int value) => Scalar(value);
    public static implicit operator NDArray(long value) => Scalar(value);
    public static implicit operator NDArray(float value) => Scalar(value);
    public static implicit operator NDArray(double value) => Scalar(value);
    public static implicit operator NDArray(bool value) => Scalar(value);
    public static implicit operator NDArray(int[] values) => FromArray(values, new Shape(values.Length));
    public static implicit operator NDArray(float[] values) => FromArray(values, new Shape(values.Length));
    public static implicit operator NDArray(double[] values) => FromArray(values, new Shape(values.Length));
    public static implicit operator NDArray(long[] values) => FromArray(values, new Shape(values.Length));
    public static implicit operator NDArray(bool[] values) => FromArray(values, new Shape(values.Length));

    public static implicit operator NDArray(float[,] values)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var flat = new float[rows * cols];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(float));
        return Wrap(flat, new Shape(rows, cols));
    }

    public static implicit operator NDArray(double[,] values)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var flat = new double[rows * cols];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        return Wrap(flat, new Shape(rows, cols));
    }
}
