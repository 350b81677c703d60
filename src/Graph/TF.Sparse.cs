namespace ActorGraph;

// Sparse lookups and updates: tf.nn.embedding_lookup, state_ops' scatters, and the IndexedSlices a lookup's
// gradient is.
public static partial class TF
{
    // tf.nn.embedding_lookup over the parts: "mod" sends id to part id % P at row id / P, "div" gives each part a
    // contiguous range of ids. Each part's unique rows come from one Gather on that part alone; an id outside the table is an
    // InvalidArgumentException naming it and the table's size.
    public static Tensor EmbeddingLookup(PartitionedVariable parameters, Tensor ids, string partitionStrategy = "mod", string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(ids);
        if (partitionStrategy is not ("mod" or "div"))
            throw new ArgumentException($"EmbeddingLookup: partition strategy must be \"mod\" or \"div\", got \"{partitionStrategy}\".", nameof(partitionStrategy));
        if (!ids.DType.IsInteger())
            throw new ArgumentException($"EmbeddingLookup: ids '{ids.Name}' must be int32 or int64, got {ids.DType.PythonName()}.", nameof(ids));
        if (parameters.Graph != G)
            throw new ArgumentException($"EmbeddingLookup: partitioned variable {parameters.Name} belongs to another graph than the default one.");
        using (G.NameScope(name ?? "embedding_lookup"))
            return LookupInParts([.. parameters], parameters.PartRows, ids, partitionStrategy);
    }

    // Routes ids to the parts (partRows rows each), gathers each part's unique rows from that part alone, and puts
    // them back at every id's position: shape ids.shape + a part's row shape.
    internal static Tensor LookupInParts(IReadOnlyList<Tensor> parts, int[] partRows, Tensor ids, string partitionStrategy)
    {
        var route = G.AddShared($"EmbeddingPartition|{ids.Name}|{partitionStrategy}|{string.Join(',', partRows)}",
            () => G.AddOperation("EmbeddingPartition", [ids], new Dictionary<string, object>
            {
                ["strategy"] = partitionStrategy, ["part_rows"] = partRows,
            }, "partition")).Outputs;
        var rows = new Tensor[parts.Count];
        for (int p = 0; p < parts.Count; p++) rows[p] = Gather(parts[p], route[p]);
        return G.AddOperation("EmbeddingStitch", [ids, .. route.Skip(parts.Count), .. rows],
            new Dictionary<string, object> { ["N"] = parts.Count }, "stitch").Outputs[0];
    }

    // tf.nn.embedding_lookup over one table: its rows at ids (a Gather along axis 0).
    public static Tensor EmbeddingLookup(Tensor parameters, Tensor ids, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(ids);
        using (G.NameScope(name ?? "embedding_lookup"))
            return Gather(parameters, ids);
    }

    // Like Assign: a tensor equal to the variable's new value; rows v[indices[i]] += updates[i]. An index out of range
    // changes nothing.
    public static Tensor ScatterAdd(Variable v, Tensor indices, Tensor updates, string? name = null) => Op("ScatterAdd", [v, indices, updates], name);
    public static Tensor ScatterSub(Variable v, Tensor indices, Tensor updates, string? name = null) => Op("ScatterSub", [v, indices, updates], name);
    public static Tensor ScatterUpdate(Variable v, Tensor indices, Tensor updates, string? name = null) => Op("ScatterUpdate", [v, indices, updates], name);

    // The gradient of a Gather along axis 0 as an IndexedSlices: the incoming gradient's rows at the gathered
    // indices (flattened to one row per index). Null where it must stay dense (another axis, unknown row shape).
    internal static IndexedSlices? SlicesOfGather(Tensor grad, Tensor indices, Tensor parameters, int axis)
    {
        var shape = parameters.Shape;
        if (shape.IsUnknownRank || shape.Rank == 0 || (axis != 0 && axis != -shape.Rank)) return null;
        Tensor values = grad, flat = indices;
        if (indices.Shape.Rank != 1)
        {
            var rowDims = shape.Dims[1..];
            if (rowDims.Any(d => d < 0)) return null;
            values = Reshape(grad, Shape.Own([-1, .. rowDims]));
            flat = Reshape(indices, new Shape(-1));
        }
        return MakeIndexedSlices(values, flat, shape, shape.IsFullyDefined ? null : parameters);
    }

    internal static IndexedSlices MakeIndexedSlices(Tensor values, Tensor indices, Shape denseShape, Tensor? shapeSource)
    {
        Tensor[] inputs = shapeSource is null ? [values, indices] : [values, indices, shapeSource];
        return (IndexedSlices)values.Graph.AddOperation("IndexedSlicesToDense", inputs,
            new Dictionary<string, object> { ["dense_shape"] = denseShape }).Outputs[0];
    }

    // Several IndexedSlices of one tensor as one: their rows and indices concatenated (TensorFlow 1's sum of
    // sparse gradients; repeated indices add up when it is densified or applied).
    internal static IndexedSlices ConcatSlices(IReadOnlyList<IndexedSlices> slices)
    {
        var first = slices[0];
        var indexType = slices.Any(s => s.Indices.DType == DType.Int64) ? DType.Int64 : DType.Int32;
        var indices = slices.Select(s => s.Indices.DType == indexType ? s.Indices : Cast(s.Indices, indexType)).ToArray();
        return MakeIndexedSlices(Concat([.. slices.Select(s => s.Values)], 0), Concat(indices, 0), first.DenseShape, first.ShapeSource);
    }
}
