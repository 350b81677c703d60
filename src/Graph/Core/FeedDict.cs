using System.Runtime.CompilerServices;

namespace ActorGraph;

// Keys by reference: two tensors are the same feed only when they point at the same output.
public class FeedDict : Dictionary<Tensor, NDArray>
{
    public FeedDict() : base(ReferenceEqualityComparer<Tensor>.Instance) { }
}

internal sealed class ReferenceEqualityComparer<T> : IEqualityComparer<T> where T : class
{
    public static readonly ReferenceEqualityComparer<T> Instance = new();
    public bool Equals(T? x, T? y) => ReferenceEquals(x, y);
    public int GetHashCode(T obj) => RuntimeHelpers.GetHashCode(obj);
}

// One item of a fetch list: a tensor (its value is returned) or an operation (run, returns null).
public readonly struct Fetch
{
    public Tensor? Tensor { get; }
    public Operation Operation { get; }

    public Fetch(Tensor tensor) { Tensor = tensor; Operation = tensor.Op; }
    public Fetch(Operation operation) { Tensor = null; Operation = operation; }

    public static implicit operator Fetch(Tensor tensor) => new(tensor ?? throw new ArgumentNullException(nameof(tensor), "A fetch cannot be null."));
    public static implicit operator Fetch(Operation operation) => new(operation ?? throw new ArgumentNullException(nameof(operation), "A fetch cannot be null."));

    public override string ToString() => Tensor?.Name ?? Operation.Name;
}
