using System.Runtime.InteropServices;

namespace ActorGraph.GraphTests.Kernels;

// Linux only: floats placed so the span ends exactly where a PROT_NONE page begins.
sealed unsafe class GuardedSpan : IDisposable
{
    const int ProtNone = 0, ProtReadWrite = 3, MapPrivateAnonymous = 0x22;
    const int Page = 4096;

    readonly nint _mapping;
    readonly nuint _size;
    readonly int _length;

    public GuardedSpan(int length)
    {
        _length = length;
        nuint dataPages = (nuint)((length * sizeof(float) + Page - 1) / Page);
        _size = (dataPages + 1) * Page;
        _mapping = mmap(0, _size, ProtReadWrite, MapPrivateAnonymous, -1, 0);
        if (_mapping == -1 || mprotect(_mapping + (nint)(dataPages * Page), Page, ProtNone) != 0)
            throw new InvalidOperationException("mmap/mprotect failed");
    }

    public Span<float> Span => new((float*)(_mapping + (nint)(_size - Page)) - _length, _length);

    public void Dispose() => munmap(_mapping, _size);

    [DllImport("libc", SetLastError = true)]
    static extern nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    static extern int mprotect(nint addr, nuint length, int prot);

    [DllImport("libc", SetLastError = true)]
    static extern int munmap(nint addr, nuint length);
}
