using static ActorGraph.GraphTests.Ops.ArrayReference;

namespace ActorGraph.GraphTests.Ops;

// Rows of the op table (OpCases) for the ops of sparse lookups: an IndexedSlices' dense value, and a lookup over
// the parts of a partitioned table (its gradient reaches each part as an IndexedSlices).
public static class SparseOpCases
{
    // Whole numbers from min to max for an integer input (drawn as halves, stored as round(2v) by OpHarness.Draw).
    private static Func<Random, int, Shape, double[]> Whole(int min, int max) =>
        (rng, _, shape) => OpCase.Draw(rng, shape, () => rng.Next(min, max + 1) / 2.0);

    private static Func<Random, int, Shape, double[]> PerInput(params Func<Random, int, Shape, double[]>[] draws) =>
        (rng, i, shape) => draws[i](rng, i, shape);

    private static readonly Func<Random, int, Shape, double[]> Data = OpCase.Uniform(-2, 2);

    public static IEnumerable<OpCase> Build()
    {
        // Indices from 0 to 4 with repeats: repeated rows add up.
        yield return new("IndexedSlicesToDense (4, 3) at (4,) into (5, 3)", "IndexedSlicesToDense", [[4, 3], [4]],
            t => TF.MakeIndexedSlices(t[0], t[1], new Shape(5, 3), null), v => GatherGrad(v[0], v[1], [5, 3], 0))
        { Ints = true, InputDTypes = [null, DType.Int32], Values = PerInput(Data, Whole(0, 4)) };
        yield return new("IndexedSlicesToDense (3, 2) at (3,) into the run-time shape of (4, 2)", "IndexedSlicesToDense", [[3, 2], [3], [4, 2]],
            t => TF.MakeIndexedSlices(t[0], t[1], t[2].Shape, t[2]), v => GatherGrad(v[0], v[1], v[2].Dims, 0))
        { Ints = true, InputDTypes = [null, DType.Int64, null], Values = PerInput(Data, Whole(0, 3), Data) };

        // 10 rows of 3 in parts of 4, 3 and 3 (TensorFlow's split), looked up at ids of shape (2, 3).
        foreach (var strategy in new[] { "mod", "div" })
            foreach (var type in new[] { DType.Int32, DType.Int64 })
                yield return new($"EmbeddingStitch of a {strategy} lookup at (2, 3) {type.PythonName()} ids over parts (4, 3), (3, 3), (3, 3)",
                    "EmbeddingStitch", [[2, 3], [4, 3], [3, 3], [3, 3]],
                    // The parts pass through a Reshape so their row shape stays known when the placeholders' is not.
                    t => TF.LookupInParts([.. t[1..].Select(p => TF.Reshape(p, new Shape(-1, 3)))], [4, 3, 3], t[0], strategy),
                    v => Lookup(v[0], v[1..], strategy))
                { Ints = true, InputDTypes = [type, null, null, null], Values = PerInput(Whole(0, 9), Data, Data, Data) };
    }

    // The reference: the table is the parts' rows; "mod" keeps id at part id % P, row id / P, "div" in order.
    private static Value Lookup(Value ids, Value[] parts, string strategy)
    {
        int width = parts[0].Dims[1];
        var table = new double[parts.Sum(p => p.Dims[0]) * width];
        int count = parts.Length, next = 0;
        for (int id = 0; id < table.Length / width; id++)
        {
            (int part, int row) = strategy == "mod" ? (id % count, id / count) : PartOfDiv(parts, id);
            Array.Copy(parts[part].Data, row * width, table, id * width, width);
            next++;
        }
        return Gather(new Value(table, [next, width]), ids, 0);
    }

    private static (int Part, int Row) PartOfDiv(Value[] parts, int id)
    {
        int p = 0;
        while (id >= parts[p].Dims[0]) id -= parts[p++].Dims[0];
        return (p, id);
    }
}
