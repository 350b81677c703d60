using System.Collections;

namespace ActorGraph;

// An embedding table keyed by int64 ids of any value (negative included), split by the ids' hash into parts
// `name/part_0`, … placed on the parameter servers. A row exists once an id is looked up (created from the table's
// initializer, a function of the seed and the id alone) and, with EvictAfterSteps = N > 0, is dropped when the
// last N steps that reached its part neither looked it up nor updated it.
public sealed class HashEmbedding : IReadOnlyList<Tensor>
{
    private readonly Tensor[] _parts;

    internal HashEmbedding(string name, int dimension, DType dtype, long evictAfterSteps, bool trainable, Tensor[] parts)
    {
        Name = name;
        Dimension = dimension;
        DType = dtype;
        EvictAfterSteps = evictAfterSteps;
        Trainable = trainable;
        _parts = parts;
    }

    public string Name { get; }
    public int Dimension { get; }
    public DType DType { get; }
    public long EvictAfterSteps { get; }
    public bool Trainable { get; }
    public Graph Graph => _parts[0].Graph;

    public int Count => _parts.Length;

    // Part `index`'s op output: a reference for lookups and updates, with no dense value of its own.
    public Tensor this[int index] => _parts[index];

    public IEnumerator<Tensor> GetEnumerator() => ((IEnumerable<Tensor>)_parts).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"<HashEmbedding '{Name}' dim={Dimension} dtype={DType.PythonName()} parts={Count}>";
}
