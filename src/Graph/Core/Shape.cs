using System.Collections;
using System.Runtime.CompilerServices;

namespace ActorGraph;

// An immutable shape; -1 is an unknown dimension and Shape.Unknown has an unknown rank.
[CollectionBuilder(typeof(Shape), nameof(Create))]
public sealed class Shape : IEquatable<Shape>, IEnumerable<int>
{
    private readonly int[]? _dims;

    public static readonly Shape Scalar = new();
    public static readonly Shape Unknown = new(null, unknownRank: true);

    public Shape(params int[] dims)
    {
        foreach (var d in dims)
            if (d < -1) throw new ArgumentException($"Shape dimension {d} is invalid: use a size >= 0, or -1 for unknown.");
        _dims = dims.Length == 0 ? [] : (int[])dims.Clone();
    }

    private Shape(int[]? dims, bool unknownRank) => _dims = unknownRank ? null : dims;

    public static Shape Create(ReadOnlySpan<int> dims) => dims.Length == 0 ? Scalar : new Shape(dims.ToArray());

    // Wraps an array the caller gives up; no copy, for hot paths.
    internal static Shape Own(int[] dims) => dims.Length == 0 ? Scalar : new Shape(dims, unknownRank: false);

    public int Rank => _dims?.Length ?? -1;
    public bool IsUnknownRank => _dims is null;
    public int this[int axis] => Dims[axis < 0 ? axis + Rank : axis];
    public bool IsFullyDefined => _dims is not null && Array.TrueForAll(_dims, d => d >= 0);

    internal int[] Dims => _dims ?? throw new InvalidOperationException("The shape has an unknown rank.");
    internal ReadOnlySpan<int> Span => _dims;

    // Number of elements; -1 when not fully defined.
    public long Size
    {
        get
        {
            if (_dims is null) return -1;
            long n = 1;
            foreach (var d in _dims)
            {
                if (d < 0) return -1;
                n *= d;
            }
            return n;
        }
    }

    internal int ElementCount => checked((int)Size);

    public int[] ToArray() => _dims is null ? [] : (int[])_dims.Clone();

    // True when a value of shape `concrete` may stand where this (possibly partial) shape is expected.
    public bool IsCompatibleWith(Shape other)
    {
        if (_dims is null || other._dims is null) return true;
        if (_dims.Length != other._dims.Length) return false;
        for (int i = 0; i < _dims.Length; i++)
            if (_dims[i] >= 0 && other._dims[i] >= 0 && _dims[i] != other._dims[i]) return false;
        return true;
    }

    public bool Equals(Shape? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null) return false;
        if (_dims is null || other._dims is null) return _dims is null && other._dims is null;
        return _dims.AsSpan().SequenceEqual(other._dims);
    }

    internal bool SameDims(ReadOnlySpan<int> dims) => _dims is not null && _dims.AsSpan().SequenceEqual(dims);

    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override int GetHashCode()
    {
        if (_dims is null) return -1;
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    public override string ToString()
    {
        if (_dims is null) return "<unknown>";
        if (_dims.Length == 1) return $"({Dim(_dims[0])},)";
        return "(" + string.Join(", ", _dims.Select(Dim)) + ")";
    }

    // TensorFlow's run-time form, as in "and shape [2,3]".
    public string ToBracketString() => _dims is null ? "<unknown>" : "[" + string.Join(",", _dims.Select(Dim)) + "]";

    private static string Dim(int d) => d < 0 ? "?" : d.ToString();

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static implicit operator Shape(int[] dims) => new(dims);
}
