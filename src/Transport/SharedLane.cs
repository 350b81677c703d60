using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ActorGraph.Transport.Wire;

namespace ActorGraph.Transport;

// A ring of shared memory beside one tensor channel whose ends run on the same machine: the sender
// copies a large tensor's bytes into it and sends only the tensor's place in the ring, the receiver
// copies them out. On loopback that is two memcpys instead of a trip through the kernel's TCP stack:
// 1.6–2.9× the socket's MiB/s into the same pooled buffers (`bench -- transport`, channel-lane against
// channel-pooled; docs/performance.md). The socket still carries every frame, so order,
// framing, errors and a vanished peer are as on a plain channel; the ring only holds bytes.
//
// The segment is a file in /dev/shm, mode 0600, preallocated (a tmpfs that runs out would otherwise
// kill the process with SIGBUS at the first touch of a missing page), named in the channel's own
// authenticated LaneOffer with a random token that the file must hold: a path that reaches another
// file (another machine's, another pod's /dev/shm) is declined, and the tensors go inline.
// Layout: u64 magic | 16-byte token | i64 capacity | i64 consumed (written by the receiver) | ring.
internal sealed unsafe class SharedLane : IDisposable
{
    public const int HeaderSize = 64;
    public const int TokenSize = 16;
    public const string Folder = "/dev/shm";
    private const string Prefix = "actorgraph-lane-";
    private const ulong Magic = 0x314E_414C_4741_5441;   // "ATAGLAN1"
    private const int TokenAt = 8, CapacityAt = 24, ConsumedAt = 32;
    private static readonly Regex LanePath = new($"^{Regex.Escape(Folder)}/{Prefix}[0-9]+-[0-9A-F]{{16}}$", RegexOptions.CultureInvariant);

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private long _produced;   // sender: the ring position after the last reserved tensor
    private long _emptyAt;    // sender: where the last tensor placed in an empty ring starts
    private long _next;       // receiver: the lowest position the next tensor may start at
    private int _disposed;

    public string Path { get; }
    public byte[] Token { get; }
    public long Capacity { get; }

    private SharedLane(FileStream stream, string path, byte[] token, long capacity)
    {
        (Path, Token, Capacity) = (path, token, capacity);
        _file = MemoryMappedFile.CreateFromFile(stream, null, HeaderSize + capacity, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        _view = _file.CreateViewAccessor(0, HeaderSize + capacity, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    // The sender's side: a new segment, or null where shared memory cannot be had (no /dev/shm, or too
    // little room in it, as in a container's default 64 MiB): the channel then goes without.
    public static SharedLane? Create(long capacity)
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists(Folder)) return null;
        SweepOrphans();
        string path = $"{Folder}/{Prefix}{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}";
        FileStream? stream = null;
        try
        {
            stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.ReadWrite,
                PreallocationSize = HeaderSize + capacity,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            var lane = new SharedLane(stream, path, RandomNumberGenerator.GetBytes(TokenSize), capacity);
            *(ulong*)lane._base = Magic;
            lane.Token.CopyTo(new Span<byte>(lane._base + TokenAt, TokenSize));
            *(long*)(lane._base + CapacityAt) = capacity;
            Volatile.Write(ref *(long*)(lane._base + ConsumedAt), 0);
            return lane;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream?.Dispose();
            TryDelete(path);
            return null;
        }
    }

    // The receiver's side: the segment a LaneOffer names, if it is the sender's (same token) and well formed.
    public static SharedLane Open(string path, byte[] token, long capacity)
    {
        if (!LanePath.IsMatch(path)) throw new ChannelProtocolException($"a shared-memory lane must be a {Folder}/{Prefix}… file, not '{path}'");
        if (capacity <= 0 || capacity > int.MaxValue) throw new ChannelProtocolException($"a shared-memory lane of {capacity} bytes");
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        SharedLane? lane = null;
        try
        {
            if (stream.Length != HeaderSize + capacity) throw new IOException($"{path} holds {stream.Length} bytes, not the {HeaderSize + capacity} offered");
            lane = new SharedLane(stream, path, token, capacity);
            if (*(ulong*)lane._base != Magic || *(long*)(lane._base + CapacityAt) != capacity
                || !CryptographicOperations.FixedTimeEquals(new ReadOnlySpan<byte>(lane._base + TokenAt, TokenSize), token))
                throw new IOException($"{path} is not the sender's segment (its token differs: another machine's or another namespace's file)");
            return lane;
        }
        catch
        {
            if (lane is null) stream.Dispose();
            else lane.Dispose();
            throw;
        }
    }

    // Sender, one frame at a time: where a tensor of `bytes` goes in the ring, or null while the receiver
    // has not copied out enough of what came before (the tensor then goes inline, never waits).
    public long? Reserve(long bytes)
    {
        if (bytes > Capacity) return null;
        // Everything before `consumed` has been read, and so has everything before _emptyAt (the ring was
        // empty when a tensor was placed there; what lies before it is read or skipped).
        long consumed = Math.Max(Math.Clamp(Volatile.Read(ref *(long*)(_base + ConsumedAt)), 0, _produced), _emptyAt);
        long start = _produced;
        long offset = start % Capacity;
        if (offset + bytes > Capacity) start += Capacity - offset;   // a tensor never wraps: skip the ring's tail
        if (consumed == _produced) _emptyAt = consumed = start;
        // The unread part [consumed, produced) must not be overwritten.
        if (start + bytes - consumed > Capacity) return null;
        _produced = start + bytes;
        return start;
    }

    // Undoes the reservations made since Mark(), when a frame that needed them all cannot have them.
    public (long Produced, long EmptyAt) Mark() => (_produced, _emptyAt);
    public void Rewind((long Produced, long EmptyAt) mark) => (_produced, _emptyAt) = mark;

    public void Write(long position, ReadOnlySpan<byte> bytes) => bytes.CopyTo(new Span<byte>(_base + HeaderSize + position % Capacity, bytes.Length));

    // Receiver, in frame order: copies a tensor out and gives its room back to the sender.
    public void Read(long position, Span<byte> destination)
    {
        long length = destination.Length;
        if (position < _next || position - _next >= Capacity || position % Capacity + length > Capacity)
            throw new ChannelProtocolException($"a tensor of {length} bytes at lane position {position} is outside the shared-memory lane's unread part (next {_next}, capacity {Capacity})");
        new ReadOnlySpan<byte>(_base + HeaderSize + position % Capacity, destination.Length).CopyTo(destination);
        _next = position + length;
        Volatile.Write(ref *(long*)(_base + ConsumedAt), _next);
    }

    // LaneOffer payload: token | i64 capacity | UTF-8 path.
    public byte[] Offer()
    {
        var path = Encoding.UTF8.GetBytes(Path);
        var payload = new byte[TokenSize + 8 + path.Length];
        Token.CopyTo(payload, 0);
        BitConverter.TryWriteBytes(payload.AsSpan(TokenSize), Capacity);
        path.CopyTo(payload, TokenSize + 8);
        return payload;
    }

    public static (byte[] Token, long Capacity, string Path) ParseOffer(ReadOnlySpan<byte> payload) =>
        (payload[..TokenSize].ToArray(), BitConverter.ToInt64(payload[TokenSize..]), Encoding.UTF8.GetString(payload[(TokenSize + 8)..]));

    // The file goes as soon as the receiver has it open (or declined): both ends keep their mappings.
    public void Unlink() => TryDelete(Path);

    // Segments left by processes that died before their receiver answered.
    private static void SweepOrphans()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Folder, Prefix + "*"))
            {
                var name = System.IO.Path.GetFileName(file);
                int dash = name.IndexOf('-', Prefix.Length);
                if (dash > 0 && int.TryParse(name.AsSpan(Prefix.Length, dash - Prefix.Length), out int pid) && !Directory.Exists($"/proc/{pid}"))
                    TryDelete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
