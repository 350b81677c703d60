using System.Security.Cryptography;
using ActorGraph.Messaging;
using ActorGraph.Wire;
using MessagePack;

namespace ActorGraph.ParameterServer.Persistence;

// A shard's variables and optimizer slots as they are stored: raw little-endian bytes with name,
// dtype and shape, each with a SHA-256 so a corrupted row is caught and named, not restored. A large
// variable's bytes are in the store's chunk table instead (ChunkTable), one checksum per chunk.
[MessagePackObject]
public sealed record ShardSnapshot(
    [property: Key(0)] int Task,
    [property: Key(1)] string CheckpointId,
    [property: Key(2)] long GlobalStep,
    [property: Key(3)] SnapshotVariable[] Variables) : IActorGraphMessage, ISerializedSizeHint
{
    [IgnoreMember]
    public int SerializedSizeHint => (int)Math.Min(int.MaxValue, 256 + Variables.Sum(v => 128L + v.Name.Length * 3L + v.Data.Length));

    public static ShardSnapshot Of(ShardState state, string checkpointId, long globalStep) =>
        new(state.Task, checkpointId, globalStep,
            [.. state.Contents().OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => SnapshotVariable.Of(v.Key, v.Value))]);

    // The snapshot to store under (persistenceId, sequenceNr): large variables are written to the chunk table now,
    // straight from their arrays (which must not change meanwhile), and the snapshot keeps their checksums.
    public static ShardSnapshot Stored(ChunkTable? chunks, string persistenceId, long sequenceNr, int task, string checkpointId, long globalStep,
        IEnumerable<KeyValuePair<string, NDArray>> variables) =>
        new(task, checkpointId, globalStep, [.. variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v =>
            chunks is not null && ChunkTable.Chunked(v.Value)
                ? SnapshotVariable.Chunked(chunks, persistenceId, sequenceNr, v.Key, v.Value)
                : SnapshotVariable.Of(v.Key, v.Value))]);

    // The same snapshot with its large inline variables moved to the chunk table (a snapshot made elsewhere).
    public ShardSnapshot Chunked(ChunkTable chunks, string persistenceId, long sequenceNr) =>
        this with
        {
            Variables = Array.ConvertAll(Variables, v => v.Chunks is null && v.DType != DType.String && v.Data.Length > ChunkTable.ChunkBytes
                ? v with { Data = [], Sha256 = [], Chunks = chunks.Write(persistenceId, sequenceNr, v.Name, v.Data) }
                : v),
        };

    // Every variable checked before any is handed out: a bad row restores nothing. chunks: where the large ones are.
    public Dictionary<string, NDArray> ToVariables(string where, ChunkSource? chunks = null)
    {
        if (Variables is null) throw new DataLossException($"{where}: the snapshot holds no variable list.");
        var result = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var v in Variables)
        {
            if (v is null || string.IsNullOrEmpty(v.Name)) throw new DataLossException($"{where}: a variable entry is missing its name.");
            if (!result.TryAdd(v.Name, v.ToArray(where, chunks))) throw new DataLossException($"{where}: variable {v.Name} is stored twice.");
        }
        return result;
    }

    public IEnumerable<VariableInfo> Describe() => Variables.Select(v => new VariableInfo(v.Name, v.DType, v.Shape, Task));
}

[MessagePackObject]
public sealed record SnapshotVariable(
    [property: Key(0)] string Name,
    [property: Key(1)] DType DType,
    [property: Key(2)] int[] Shape,
    [property: Key(3)] byte[] Data,
    [property: Key(4)] byte[] Sha256,
    [property: Key(5)] ChunkList? Chunks = null)
{
    public static SnapshotVariable Of(string name, NDArray value)
    {
        var bytes = value.DType == DType.String ? StringElements.Encode(value) : value.Bytes.ToArray();
        return new(name, value.DType, value.Shape.Span.ToArray(), bytes, SHA256.HashData(bytes));
    }

    public static SnapshotVariable Chunked(ChunkTable chunks, string persistenceId, long sequenceNr, string name, NDArray value) =>
        new(name, value.DType, value.Shape.Span.ToArray(), [], [], chunks.Write(persistenceId, sequenceNr, name, value.Bytes));

    public NDArray ToArray(string where, ChunkSource? chunks = null)
    {
        string what = $"{where}: variable {Name}";
        if (!Enum.IsDefined(DType)) throw new DataLossException($"{what} has an unknown dtype code {(int)DType}.");
        if (Shape is null || Data is null || Sha256 is null) throw new DataLossException($"{what} is missing its shape, data or checksum.");
        long elements = 1;
        foreach (var d in Shape)
        {
            if (d < 0) throw new DataLossException($"{what} has a negative dimension in shape [{string.Join(",", Shape)}].");
            elements = Math.Min(elements * d, int.MaxValue + 1L);
        }
        if (DType == DType.String) return Strings(what, elements);
        long expected = elements * DType.SizeInBytes();
        if (Chunks is not null) return FromChunks(what, expected, chunks);
        if (Data.Length != expected)
            throw new DataLossException($"{what} is truncated or corrupted: shape [{string.Join(",", Shape)}] of {DType.PythonName()} needs {expected} bytes, the snapshot holds {Data.Length}.");
        if (!SHA256.HashData(Data).AsSpan().SequenceEqual(Sha256))
            throw new DataLossException($"{what} is corrupted: its bytes do not match the checksum written with them.");
        var array = NDArray.Uninitialized(DType, ActorGraph.Shape.Create(Shape));
        Data.CopyTo(array.Bytes);
        if (DType == DType.Bool && array.Bytes.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            throw new DataLossException($"{what} is corrupted: a bool element is neither 0 nor 1.");
        return array;
    }

    // Read straight into the new array's storage; every chunk checked on the way.
    private NDArray FromChunks(string what, long expected, ChunkSource? source)
    {
        if (source is null) throw new DataLossException($"{what} is stored in chunks, but no store was given to read them from.");
        if (Chunks!.Sha256 is null || Array.Exists(Chunks.Sha256, s => s is null)) throw new DataLossException($"{what} is missing its chunk checksums.");
        if (expected > Array.MaxLength) throw new DataLossException($"{what} is corrupted: shape [{string.Join(",", Shape)}] is too large for one array.");
        var array = NDArray.Uninitialized(DType, ActorGraph.Shape.Create(Shape));
        source.Table.Read(source.PersistenceId, source.SequenceNr, Name, Chunks!, array.Bytes, what);
        if (DType == DType.Bool && array.Bytes.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
            throw new DataLossException($"{what} is corrupted: a bool element is neither 0 nor 1.");
        return array;
    }

    // A string variable's bytes are StringElements' form: checked against the checksum, then the length table.
    private NDArray Strings(string what, long elements)
    {
        if (elements > int.MaxValue || Data.Length < 4 * elements)
            throw new DataLossException($"{what} is truncated or corrupted: shape [{string.Join(",", Shape)}] of string needs at least {4 * elements} bytes, the snapshot holds {Data.Length}.");
        if (!SHA256.HashData(Data).AsSpan().SequenceEqual(Sha256))
            throw new DataLossException($"{what} is corrupted: its bytes do not match the checksum written with them.");
        try
        {
            return StringElements.Decode(Data, ActorGraph.Shape.Create(Shape));
        }
        catch (InvalidDataException e)
        {
            throw new DataLossException($"{what} is corrupted: {e.Message}");
        }
    }
}

// A chunked variable's chunks: each ChunkBytes long (the last one shorter), with its SHA-256.
[MessagePackObject]
public sealed record ChunkList(
    [property: Key(0)] int ChunkBytes,
    [property: Key(1)] byte[][] Sha256);

// Where a snapshot's chunks are: its store's chunk table and the key it was stored under.
public sealed record ChunkSource(ChunkTable Table, string PersistenceId, long SequenceNr);

// What a checkpoint says about one variable, without its bytes (manifests, the CLI's show).
[MessagePackObject]
public sealed record VariableInfo(
    [property: Key(0)] string Name,
    [property: Key(1)] DType DType,
    [property: Key(2)] int[] Shape,
    [property: Key(3)] int Task);
