namespace ActorGraph.HashTables;

// What a part of a hash-keyed table is: everything its holder needs to create rows, read from the part's op.
public sealed record HashTableSpec(string Table, int Part, int Parts, int Dimension, DType DType, HashRowInit Init, long EvictAfterSteps)
{
    public string PartName => $"{Table}/part_{Part}";

    public int RowBytes => Dimension * DType.SizeInBytes();

    internal static HashTableSpec Of(Operation part) => new(
        part.Attr<string>("table"), part.Attr<int>("part"), part.Attr<int>("parts"), part.Attr<int>("dim"), part.Attr<DType>("dtype"),
        new HashRowInit((HashRowDistribution)part.Attr<int>("init"), part.Attr<double>("init_a"), part.Attr<double>("init_b"), part.Attr<long>("seed")),
        part.Attr<long>("evict_after_steps"));
}
