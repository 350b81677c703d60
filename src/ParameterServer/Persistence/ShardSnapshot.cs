using System.Security.Cryptography;
using ActorGraph.Messaging;
using ActorGraph.Wire;
using MessagePack;

namespace ActorGraph.ParameterServer.Persistence;

// A shard's variables and optimizer slots as they are stored: raw little-endian bytes with name,
// dtype and shape, each with a SHA-256 so a corrupted row is caught and named, not restored.
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
            [.. state.Variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => SnapshotVariable.Of(v.Key, v.Value))]);

    // Every variable checked before any is handed out: a bad row restores nothing.
    public Dictionary<string, NDArray> ToVariables(string where)
    {
        if (Variables is null) throw new DataLossException($"{where}: the snapshot holds no variable list.");
        var result = new Dictionary<string, NDArray>(StringComparer.Ordinal);
        foreach (var v in Variables)
        {
            if (v is null || string.IsNullOrEmpty(v.Name)) throw new DataLossException($"{where}: a variable entry is missing its name.");
            if (!result.TryAdd(v.Name, v.ToArray(where))) throw new DataLossException($"{where}: variable {v.Name} is stored twice.");
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
    [property: Key(4)] byte[] Sha256)
{
    public static SnapshotVariable Of(string name, NDArray value)
    {
        var bytes = value.DType == DType.String ? StringElements.Encode(value) : value.Bytes.ToArray();
        return new(name, value.DType, value.Shape.Span.ToArray(), bytes, SHA256.HashData(bytes));
    }

    public NDArray ToArray(string where)
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

// What a checkpoint says about one variable, without its bytes (manifests, the CLI's show).
[MessagePackObject]
public sealed record VariableInfo(
    [property: Key(0)] string Name,
    [property: Key(1)] DType DType,
    [property: Key(2)] int[] Shape,
    [property: Key(3)] int Task);
