using System.Text;

namespace ActorGraph;

// String tensors (DType.String): each element a byte string, as TensorFlow's tf.string.
public sealed partial class NDArray
{
    public static NDArray FromStrings(string[] values, Shape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromByteStrings(values.Select(v => Encoding.UTF8.GetBytes(v ?? throw new ArgumentException("A string tensor cannot hold null; use \"\"."))).ToArray(), shape);
    }

    public static NDArray FromByteStrings(byte[][] values, Shape? shape = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var s = shape ?? new Shape(values.Length);
        if (s.Size != values.Length)
            throw new ArgumentException($"{values.Length} strings do not fill shape {s} ({s.Size} elements).");
        var copy = new byte[values.Length][];
        for (int i = 0; i < values.Length; i++)
            copy[i] = (byte[])(values[i] ?? throw new ArgumentException($"String element {i} is null; use an empty byte array.")).Clone();
        return new NDArray(DType.String, s, copy);
    }

    // Takes ownership of `values` without a copy (kernels and wire readers that built them).
    internal static NDArray WrapStrings(byte[][] values, Shape shape) => new(DType.String, shape, values);

    public static NDArray Scalar(string value) => FromStrings([value], Shape.Scalar);

    public static implicit operator NDArray(string value) => Scalar(value);
    public static implicit operator NDArray(string[] values) => FromStrings(values);

    // The elements as byte strings (shared, not copied: treat them as read-only).
    public IReadOnlyList<byte[]> ByteStrings => CheckString();

    // The elements decoded as UTF-8.
    public string[] ToStrings() => CheckString().Take(Length).Select(b => Encoding.UTF8.GetString(b)).ToArray();

    internal byte[][] StringData => CheckString();

    private byte[][] CheckString() => DType == DType.String
        ? (byte[][])_data
        : throw new InvalidOperationException($"This array holds {DType.PythonName()}, not strings; ByteStrings and ToStrings read string tensors.");

    // As tf.Print shows values: strings as their text, unquoted ([abc] rather than [b'abc']).
    internal string PrintText() =>
        DType == DType.String ? Layout(i => Encoding.UTF8.GetString(((byte[][])_data)[i])) : ToString();

    private static NDArray EmptyStrings(Shape shape)
    {
        var data = new byte[shape.ElementCount][];
        Array.Fill(data, Array.Empty<byte>());
        return new NDArray(DType.String, shape, data);
    }

    // As Python prints bytes: b'abc', with escapes for quotes, backslashes and non-printing bytes.
    private static string PythonBytes(byte[] bytes)
    {
        var sb = new StringBuilder("b'");
        foreach (var b in bytes)
        {
            if (b == '\'' || b == '\\') sb.Append('\\').Append((char)b);
            else if (b == '\n') sb.Append("\\n");
            else if (b == '\t') sb.Append("\\t");
            else if (b == '\r') sb.Append("\\r");
            else if (b is >= 32 and < 127) sb.Append((char)b);
            else sb.Append("\\x").Append(b.ToString("x2"));
        }
        return sb.Append('\'').ToString();
    }

    private static InvalidOperationException NoFixedWidth() =>
        new("A string tensor has no fixed-width element bytes; this op works on numeric or bool tensors only.");

    private static InvalidOperationException NotANumber() =>
        new("A string tensor's elements are not numbers; read them with ToStrings() or ByteStrings.");
}
