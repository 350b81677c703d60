using System.Runtime.CompilerServices;
using ActorGraph.Execution;

namespace ActorGraph.Ops;

// One node's seat in a compiled plan: the executor fills Inputs, the kernel sets Outputs.
// A context lives as long as its plan instance, so Allocate can hand back last step's buffer.
public sealed class KernelContext
{
    private readonly NDArray?[] _buffers;
    private KernelBuffer? _owner;

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal KernelContext(Operation op)
    {
        Op = op;
        Inputs = new NDArray[op.InputArray.Length];
        Outputs = new NDArray?[op.Outputs.Count];
        _buffers = new NDArray?[op.Outputs.Count];
    }

    public Operation Op { get; }
    public NDArray[] Inputs { get; }
    public NDArray?[] Outputs { get; }
    public StepContext Step { get; internal set; } = null!;

    // Per-node scratch a kernel may keep between steps (parsed attributes, index tables).
    public object? State { get; set; }

    public NDArray Input(int i) => Inputs[i];

    public void SetOutput(int i, NDArray value) => Outputs[i] = value;

    // A buffer for output i; last step's when dtype and shape match and nobody kept it.
    // Its contents are garbage: the kernel must write every element.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public NDArray Allocate(int output, DType dtype, Shape shape)
    {
        var buffer = _buffers[output];
        if (buffer is null || buffer.DType != dtype || !buffer.Shape.Equals(shape))
        {
            _buffers[output] = buffer = Reshaped(buffer, dtype, shape) ?? NDArray.Zeros(dtype, shape);
            // Reused next step: a fetch of it is taken from this kernel (ToKeep) first.
            buffer.OwnedBy(_owner ??= new KernelBuffer(this));
        }
        Outputs[output] = buffer;
        return buffer;
    }

    // Last step's array seen in another shape when it holds enough elements, else a larger one with headroom: a
    // lookup's ids and rows change in number every step, and a new array each step would be a large-object
    // allocation and, soon, a full collection.
    private static NDArray? Reshaped(NDArray? last, DType dtype, Shape shape)
    {
        if (last is null || last.DType != dtype || dtype == DType.String) return null;
        int length = shape.ElementCount;
        if (last.RawArray.Length >= length) return new NDArray(dtype, shape, last.RawArray);
        return new NDArray(dtype, shape, dtype.NewArray(length + length / 4));
    }

    public NDArray Allocate(int output, DType dtype, ReadOnlySpan<int> dims)
    {
        var buffer = _buffers[output];
        if (buffer is not null && buffer.DType == dtype && buffer.Shape.SameDims(dims))
        {
            Outputs[output] = buffer;
            return buffer;
        }
        return Allocate(output, dtype, Shape.Create(dims));
    }

    // A value handed to the caller must not be overwritten by the next step (KernelBuffer.ToKeep).
    internal void Release(NDArray value)
    {
        for (int i = 0; i < _buffers.Length; i++)
            if (ReferenceEquals(_buffers[i], value)) _buffers[i] = null;
    }

    internal void ClearOutputs() => Array.Clear(Outputs);
}
