using MessagePack;

namespace ActorGraph.HashTables;

// What a part of a hash-keyed table is: everything its holder needs to create rows, read from the part's op. It
// travels with each lookup and update, so a parameter server makes the part on first use.
[MessagePackObject]
public sealed record HashTableSpec(
    [property: Key(0)] string Table,
    [property: Key(1)] int Part,
    [property: Key(2)] int Parts,
    [property: Key(3)] int Dimension,
    [property: Key(4)] DType DType,
    [property: Key(5)] HashRowInit Init,
    [property: Key(6)] long EvictAfterSteps)
{
    [IgnoreMember] public string PartName => $"{Table}/part_{Part}";

    [IgnoreMember] public int RowBytes => Dimension * DType.SizeInBytes();

    internal static HashTableSpec Of(Operation part) => new(
        part.Attr<string>("table"), part.Attr<int>("part"), part.Attr<int>("parts"), part.Attr<int>("dim"), part.Attr<DType>("dtype"),
        new HashRowInit((HashRowDistribution)part.Attr<int>("init"), part.Attr<double>("init_a"), part.Attr<double>("init_b"), part.Attr<long>("seed")),
        part.Attr<long>("evict_after_steps"));
}

// A hash table update's slots: per slot of the sparse kind, the optimizer's name for it and its starting value.
[MessagePackObject]
public sealed record HashSlots([property: Key(0)] string[] Names, [property: Key(1)] double[] Inits);

// An update of a hash table part as it travels to the parameter server: the part, and its slots.
[MessagePackObject]
public sealed record HashUpdate([property: Key(0)] HashTableSpec Spec, [property: Key(1)] HashSlots Slots);
