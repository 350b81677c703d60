using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorGraph.Messaging.Channel;

// A bulk message's bytes in a pooled int[] (the channel carries tensors): serialized into one on the way
// out, received into one on the way in, back to the pool once sent or deserialized. A fresh array per
// message costs two or three large-object allocations of each ~1 MB message, and a gen2 collection every few steps.
internal sealed class PayloadBuffer : IBufferWriter<byte>
{
    // Below this a payload is a cheap gen0 allocation; pooling it would only add contention.
    public const int PooledBytes = 64 * 1024;

    private int[] _ints;
    private int _written;

    // With room to spare: MessagePack may ask for a little more than it writes last.
    public PayloadBuffer(int sizeHint) => _ints = ArrayPool<int>.Shared.Rent((int)Math.Min(Math.Max(sizeHint + 4096L, PooledBytes) / 4 + 1, Array.MaxLength));

    public int Length => _written;

    // The written bytes as an Int32 tensor over the pooled array (its tail past the bytes is padding).
    public NDArray ToTensor() => new(DType.Int32, new Shape((_written + 3) / 4), _ints);

    public void Return()
    {
        if (Interlocked.Exchange(ref _ints!, null) is { } ints) ArrayPool<int>.Shared.Return(ints);
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return new IntBytes(_ints, _ints.Length * 4).Memory[_written..];
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return MemoryMarshal.AsBytes(_ints.AsSpan())[_written..];
    }

    private void Ensure(int sizeHint)
    {
        long needed = (long)_written + Math.Max(sizeHint, 1);
        if (needed <= (long)_ints.Length * 4) return;
        var larger = ArrayPool<int>.Shared.Rent((int)Math.Min(Math.Max(needed, (long)_ints.Length * 8) / 4 + 1, Array.MaxLength));
        MemoryMarshal.AsBytes(_ints.AsSpan())[.._written].CopyTo(MemoryMarshal.AsBytes(larger.AsSpan()));
        ArrayPool<int>.Shared.Return(_ints);
        _ints = larger;
    }

    // A received payload's array, when it is large enough to come from the pool (see Rent).
    public static bool IsPooled(Shape shape) => (long)shape.ElementCount * 4 >= PooledBytes;

    public static NDArray Rent(Shape shape) => new(DType.Int32, shape, ArrayPool<int>.Shared.Rent(shape.ElementCount));

    public static void Return(NDArray rented) => ArrayPool<int>.Shared.Return((int[])rented.RawArray);

    // The first `length` bytes of an int[] as memory, for MessagePack to read without a copy.
    public static ReadOnlyMemory<byte> BytesOf(NDArray packed, int length) => new IntBytes((int[])packed.RawArray, length).Memory;

    private sealed unsafe class IntBytes(int[] ints, int length) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(ints.AsSpan())[..length];

        public override MemoryHandle Pin(int elementIndex = 0)
        {
            var handle = GCHandle.Alloc(ints, GCHandleType.Pinned);
            return new MemoryHandle(Unsafe.Add<byte>((void*)handle.AddrOfPinnedObject(), elementIndex), handle, this);
        }

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }
    }
}
