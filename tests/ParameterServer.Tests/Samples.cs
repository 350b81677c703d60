using System.Reflection;
using System.Runtime.InteropServices;
using ActorGraph.Execution;
using ActorGraph.Messaging;
using Akka.Configuration;
using Xunit;

namespace ActorGraph.ParameterServer.Tests;

internal static class Samples
{
    // Every actor test proves its messages cross a wire.
    public static Config ActorConfig { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.serialize-messages = on
        """).WithFallback(ActorGraphSerialization.Hocon);

    public static NDArray Floats(params float[] values) => values;

    // Bytes as the tensor channel carries them (BulkChannel's header and payload entries): int32 words.
    public static NDArray Words(byte[] bytes)
    {
        var ints = new int[(bytes.Length + 3) / 4];
        Buffer.BlockCopy(bytes, 0, ints, 0, bytes.Length);
        return NDArray.FromArray(ints, new Shape(ints.Length));
    }
    public static NDArray Ints(params int[] values) => values;

    public static byte[] Bits(NDArray a) => a.DType switch
    {
        DType.Float32 => MemoryMarshal.AsBytes(a.AsSpan<float>()).ToArray(),
        DType.Float64 => MemoryMarshal.AsBytes(a.AsSpan<double>()).ToArray(),
        DType.Int32 => MemoryMarshal.AsBytes(a.AsSpan<int>()).ToArray(),
        DType.Int64 => MemoryMarshal.AsBytes(a.AsSpan<long>()).ToArray(),
        _ => MemoryMarshal.AsBytes(a.AsSpan<bool>()).ToArray(),
    };

    public static void SameBits(NDArray? expected, NDArray? actual)
    {
        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    // A filled-in instance of a message type, from its widest constructor; a new field type needs a case here.
    public static object Instance(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke(ctor.GetParameters().Select(p => Value(p.ParameterType, type)).ToArray());
    }

    private static object? Value(Type t, Type owner)
    {
        if (t == typeof(long)) return 42L;
        if (t == typeof(int)) return 7;
        if (t == typeof(bool)) return true;
        if (t == typeof(double)) return 0.25;
        if (t == typeof(string)) return "w";
        if (t == typeof(UpdateKind)) return UpdateKind.Adam;
        if (t == typeof(NDArray)) return NDArray.FromArray([1f, -0f, float.NaN, 3.5f], new Shape(2, 2));
        if (t == typeof(string[])) return new[] { "w", "w/Momentum" };
        if (t == typeof(string[][])) return new[] { new[] { "w", "b" }, Array.Empty<string>() };
        if (t == typeof(byte[])) return new byte[] { 1, 2, 255 };
        if (t == typeof(int[])) return new[] { 0, 3 };
        if (t == typeof(long[])) return new[] { 1L << 40, 0L };
        if (t == typeof(NDArray[])) return new NDArray[] { Floats(1, 2), 5 };
        if (t == typeof(WireUpdate)) return new WireUpdate(UpdateKind.Momentum, "w", ["w/Momentum"], [0.1f, Floats(1, 2), 0.9f]);
        if (t == typeof(WireUpdate[])) return new[] { (WireUpdate)Value(typeof(WireUpdate), owner)!, new WireUpdate(UpdateKind.Assign, "b", [], [Ints(1, 2)]) };
        if (t == typeof(UpdateRouting?)) return new UpdateRouting(3, 0.5, "akka://g/user/gatherer", "akka://g/user/client");
        if (t == typeof(Durability)) return Durability.Journal;
        if (t == typeof(DType)) return DType.Float64;
        if (t == typeof(int[])) return new[] { 2, 3 };
        if (t == typeof(byte[])) return new byte[] { 1, 2, 3 };
        if (t == typeof(Dictionary<string, NDArray>)) return new Dictionary<string, NDArray> { ["w"] = Floats(1, 2), ["step"] = 3L };
        if (t == typeof(Persistence.VariableInfo[])) return new[] { new Persistence.VariableInfo("w", DType.Float32, [2, 3], 1) };
        if (t == typeof(Persistence.SnapshotVariable[])) return new[] { Persistence.SnapshotVariable.Of("w", Floats(1, 2)) };
        if (t == typeof(IReadOnlyDictionary<string, NDArray>)) return new Dictionary<string, NDArray> { ["w"] = Floats(1, 2), ["step"] = 3L };
        if (t == typeof(HashTables.HashTableSpec))
            return new HashTables.HashTableSpec("emb", 1, 2, 4, DType.Float32, new HashTables.HashRowInit(HashTables.HashRowDistribution.Uniform, -1, 2, -9), 100);
        if (t == typeof(HashTables.HashUpdate))
            return new HashTables.HashUpdate((HashTables.HashTableSpec)Value(typeof(HashTables.HashTableSpec), owner)!, new HashTables.HashSlots(["Adagrad"], [0.1]));
        if (t == typeof(HashPartRows[])) return new[] { new HashPartRows("emb", 1, 1000, 1 << 20) };
        if (t.IsArray && t.GetElementType() == typeof(NDArray)) return new NDArray?[] { Floats(1), null };
        if (typeof(IActorGraphMessage).IsAssignableFrom(t) && !t.IsAbstract) return Instance(t);
        throw new InvalidOperationException($"{owner.Name} has a {t.Name} field: add a sample value for it in Samples.Value.");
    }
}
