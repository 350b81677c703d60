using System.Collections;

namespace ActorGraph;

// How many parts a variable of this shape and dtype splits into along each axis (TensorFlow 1's partitioner
// callables); ActorGraph splits along axis 0 only, so every other entry must be 1.
public delegate int[] Partitioner(Shape shape, DType dtype);

// A variable split along axis 0 into ordinary variables `name/part_0`, `name/part_1`, … (TensorFlow 1's
// PartitionedVariable). Each part is placed on a parameter server like any variable; a lookup reads the rows
// it needs from the parts that hold them.
public sealed class PartitionedVariable : IReadOnlyList<Variable>
{
    private readonly Variable[] _parts;
    private readonly long[] _offsets;

    internal PartitionedVariable(string name, Shape shape, DType dtype, Variable[] parts)
    {
        Name = name;
        Shape = shape;
        DType = dtype;
        _parts = parts;
        _offsets = new long[parts.Length];
        for (int i = 1; i < parts.Length; i++) _offsets[i] = _offsets[i - 1] + parts[i - 1].Shape[0];
    }

    public string Name { get; }
    public Shape Shape { get; }
    public DType DType { get; }
    public Graph Graph => _parts[0].Graph;

    public int Count => _parts.Length;
    public Variable this[int index] => _parts[index];

    // The first row of the whole table that part `index` holds.
    public long OffsetOf(int index) => _offsets[index];

    // Rows per part, in order.
    internal int[] PartRows => [.. _parts.Select(p => p.Shape[0])];

    public IEnumerator<Variable> GetEnumerator() => ((IEnumerable<Variable>)_parts).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The whole table as one tensor (a concat of every part: it reads them all, so keep it off a step's hot path).
    public Tensor AsTensor(string? name = null)
    {
        using (Graph.AsDefault())
            return _parts.Length == 1 ? TF.Identity(_parts[0], name) : TF.Concat(_parts, 0, name ?? Name + "/concat");
    }

    public override string ToString() => $"<PartitionedVariable '{Name}' shape={Shape} dtype={DType.PythonName()} parts={Count}>";
}
