using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ActorGraph.Transport.Wire;

// An NDArray's own storage (a float[], long[]…) as Memory<byte>, so sockets read and write it in place.
internal sealed unsafe class ArrayBytes(Array array, int length) : MemoryManager<byte>
{
    public static Memory<byte> Of(NDArray value) => new ArrayBytes(value.RawArray, value.Length * value.DType.SizeInBytes()).Memory;

    public override Span<byte> GetSpan() => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        return new MemoryHandle(Unsafe.Add<byte>((void*)handle.AddrOfPinnedObject(), elementIndex), handle, this);
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
