using ActorGraph.Ops;
namespace ActorGraph;

// Slices of in-memory arrays along axis 0: element i is (components[0][i], components[1][i], …).
internal sealed class SlicesDataset : Dataset
{
    private readonly NDArray[] _components;

    public SlicesDataset(NDArray[] components) : base(SpecsOf(components)) => _components = components;

    private static TensorSpec[] SpecsOf(NDArray[] components)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.Length == 0) throw new ArgumentException("FromTensorSlices needs at least one array to slice.", nameof(components));
        foreach (var c in components)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(components));
            if (c.Shape.Rank == 0) throw new ArgumentException("FromTensorSlices slices along axis 0, so every array needs rank 1 or more; a scalar was given.", nameof(components));
        }
        int rows = components[0].Shape[0];
        if (components.Any(c => c.Shape[0] != rows))
            throw new ArgumentException($"Every array given to FromTensorSlices needs the same size along axis 0; got {string.Join(", ", components.Select(c => c.Shape.ToBracketString()))}.", nameof(components));
        return components.Select(c => new TensorSpec(c.DType, Shape.Create(c.Shape.ToArray().AsSpan(1)))).ToArray();
    }

    internal int Count => _components[0].Shape[0];

    internal override Wire.DatasetDef ToDef() => new("TensorSlices", Arrays: _components);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run)
    {
        for (int i = 0; i < Count; i++)
            yield return _components.Select(c => Rows.At(c, i)).ToArray();
    }
}

// IDX files (the MNIST format), one component each, read when an iterator first runs: on the node that runs it.
internal sealed class IdxDataset : Dataset
{
    private readonly string[] _paths;

    public IdxDataset(string[] paths, TensorSpec[]? knownSpecs = null) : base(knownSpecs ?? SpecsOf(paths)) => _paths = paths;

    internal override Wire.DatasetDef ToDef() =>
        new("IdxFiles", Paths: _paths, Ints: ElementSpec.Select(s => (int)s.DType).ToArray(), Shapes: ElementSpec.Select(s => s.Shape.ToArray()).ToArray());

    private static TensorSpec[] SpecsOf(string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Length == 0) throw new ArgumentException("FromIdxFiles needs at least one path.", nameof(paths));
        var headers = paths.Select(IdxFile.ReadHeader).ToArray();
        if (headers.Any(h => h.Dims[0] != headers[0].Dims[0]))
            throw new ArgumentException($"The IDX files given to FromIdxFiles need the same number of rows; got {string.Join(", ", paths.Zip(headers, (p, h) => $"{p}: {h.Dims[0]}"))}.", nameof(paths));
        return headers.Select(h => new TensorSpec(h.DType, Shape.Create(h.Dims.AsSpan(1)))).ToArray();
    }

    // Read once per iterator run: a Repeat over it decodes the files once, not once per epoch.
    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run) =>
        run.StateOf(this, () => new SlicesDataset(_paths.Select(IdxFile.Read).ToArray())).Enumerate(run);
}

// One element of an array along axis 0, and elements stacked back into a batch.
internal static class Rows
{
    public static NDArray At(NDArray a, int row)
    {
        var slice = ArrayRows.Slice(a, row, 1);
        return new NDArray(a.DType, Shape.Create(a.Shape.ToArray().AsSpan(1)), slice.RawArray);
    }

    public static NDArray Stack(IReadOnlyList<NDArray> elements)
    {
        var first = elements[0];
        foreach (var e in elements)
            if (!e.Shape.Equals(first.Shape))
                throw new InvalidArgumentException($"Cannot batch elements of different shapes: {first.Shape.ToBracketString()} and {e.Shape.ToBracketString()}. Map them to one shape before Batch.");
        var batch = NDArray.Zeros(first.DType, new Shape([elements.Count, .. first.Shape.ToArray()]));
        int offset = 0;
        foreach (var e in elements)
        {
            e.Bytes.CopyTo(batch.Bytes[offset..]);
            offset += e.Bytes.Length;
        }
        return batch;
    }
}
