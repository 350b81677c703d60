using ActorGraph.Ops;
using MessagePack;

namespace ActorGraph.Wire;

// A dataset as it travels to the node that runs its iterator: each transformation with its input,
// in-memory sources with their arrays (sent once, with the partition's registration), Map's function as ops.
[MessagePackObject]
public sealed record DatasetDef(
    [property: Key(0)] string Kind,
    [property: Key(1)] DatasetDef? Input = null,
    [property: Key(2)] NDArray[]? Arrays = null,
    [property: Key(3)] string[]? Paths = null,
    [property: Key(4)] int[]? Ints = null,
    [property: Key(5)] OperationDef[]? Function = null,
    [property: Key(6)] string[]? Arguments = null,
    [property: Key(7)] string[]? Results = null,
    [property: Key(8)] int[][]? Shapes = null)
{
    public Dataset ToDataset() => Kind switch
    {
        "TensorSlices" => new SlicesDataset(Arrays ?? throw Missing("arrays")),
        "IdxFiles" => new IdxDataset(Paths ?? throw Missing("paths"), IdxSpecs()),
        "Shuffle" => In.Shuffle(Int(0), Int(1) != 0 ? Int(2) : null),
        "Batch" => In.Batch(Int(0), Int(1) != 0),
        "Repeat" => In.Repeat(Int(0)),
        "Shard" => In.Shard(Int(0), Int(1)),
        "Take" => In.Take(Int(0)),
        "Skip" => In.Skip(Int(0)),
        "Prefetch" => In.Prefetch(Int(0)),
        "Map" => MapDataset.FromDefs(In, Function ?? throw Missing("a function"), Arguments ?? throw Missing("arguments"), Results ?? throw Missing("results")),
        _ => throw new ArgumentException($"A dataset of unknown kind '{Kind}' arrived; the sender runs a version with transformations this node lacks."),
    };

    // The files are read where the iterator runs, when it first runs: their specs travel, so registering needs no file.
    private TensorSpec[] IdxSpecs()
    {
        var dtypes = Ints ?? throw Missing("dtypes");
        var shapes = Shapes ?? throw Missing("shapes");
        return dtypes.Zip(shapes, (d, s) => new TensorSpec((DType)d, new Shape(s))).ToArray();
    }

    private Dataset In => (Input ?? throw Missing("an input")).ToDataset();

    private int Int(int i) => Ints is { } ints && i < ints.Length ? ints[i] : throw Missing($"integer {i}");

    private ArgumentException Missing(string what) => new($"A {Kind} dataset arrived without {what}.");
}
