using static ActorGraph.GraphTests.Ops.Reference;

namespace ActorGraph.GraphTests.Ops;

// Double-precision references for the array, index and loss ops: each output element read
// straight from the definition, one index at a time.
public static class ArrayReference
{
    public static int Flat(int[] dims, int[] index)
    {
        int flat = 0;
        for (int i = 0; i < dims.Length; i++) flat = flat * dims[i] + index[i];
        return flat;
    }

    public static double Get(Value x, int[] index) => x.Data[Flat(x.Dims, index)];

    public static Value Make(int[] dims, Func<int[], double> at) => new(Indices(dims).Select(at).ToArray(), dims);

    private static int Axis(int axis, int rank) => axis < 0 ? axis + rank : axis;

    private static int[] With(int[] index, int axis, int value) { var i = (int[])index.Clone(); i[axis] = value; return i; }

    public static Value Concat(Value[] values, int axis)
    {
        axis = Axis(axis, values[0].Dims.Length);
        var dims = (int[])values[0].Dims.Clone();
        dims[axis] = values.Sum(v => v.Dims[axis]);
        return Make(dims, index =>
        {
            int k = index[axis], part = 0;
            while (k >= values[part].Dims[axis]) k -= values[part++].Dims[axis];
            return Get(values[part], With(index, axis, k));
        });
    }

    public static Value Stack(Value[] values, int axis)
    {
        int rank = values[0].Dims.Length + 1;
        axis = Axis(axis, rank);
        int[] dims = [.. values[0].Dims[..axis], values.Length, .. values[0].Dims[axis..]];
        return Make(dims, index => Get(values[index[axis]], [.. index[..axis], .. index[(axis + 1)..]]));
    }

    // Positions [begin, begin + count) of one axis; `drop` removes that axis (Unstack's parts).
    public static Value Part(Value x, int axis, int begin, int count, bool drop = false)
    {
        axis = Axis(axis, x.Dims.Length);
        var dims = (int[])x.Dims.Clone();
        dims[axis] = count;
        var part = Make(dims, index => Get(x, With(index, axis, index[axis] + begin)));
        return drop ? part with { Dims = [.. dims[..axis], .. dims[(axis + 1)..]] } : part;
    }

    public static Value Slice(Value x, int[] begin, int[] size)
    {
        var dims = size.Select((s, i) => s >= 0 ? s : x.Dims[i] - begin[i]).ToArray();
        return Make(dims, index => Get(x, index.Select((v, i) => v + begin[i]).ToArray()));
    }

    // Zeros of `dims` with x at `begin`.
    public static Value Place(Value x, int[] dims, int[] begin) => Make(dims, index =>
    {
        var inner = index.Select((v, i) => v - begin[i]).ToArray();
        return inner.Select((v, i) => v >= 0 && v < x.Dims[i]).All(b => b) ? Get(x, inner) : 0;
    });

    public static Value Pad(Value x, int[,] paddings) =>
        Place(x, x.Dims.Select((d, i) => d + paddings[i, 0] + paddings[i, 1]).ToArray(), x.Dims.Select((_, i) => paddings[i, 0]).ToArray());

    public static Value Tile(Value x, int[] multiples) =>
        Make(x.Dims.Select((d, i) => d * multiples[i]).ToArray(), index => Get(x, index.Select((v, i) => v % x.Dims[i]).ToArray()));

    public static Value SumTiles(Value x, int[] dims)
    {
        var result = new double[dims.Aggregate(1, (p, d) => p * d)];
        foreach (var index in Indices(x.Dims)) result[Flat(dims, index.Select((v, i) => v % dims[i]).ToArray())] += Get(x, index);
        return new(result, dims);
    }

    public static Value Gather(Value parameters, Value indices, int axis)
    {
        axis = Axis(axis, parameters.Dims.Length);
        int r = indices.Dims.Length;
        int[] dims = [.. parameters.Dims[..axis], .. indices.Dims, .. parameters.Dims[(axis + 1)..]];
        return Make(dims, index =>
            Get(parameters, [.. index[..axis], (int)Get(indices, index[axis..(axis + r)]), .. index[(axis + r)..]]));
    }

    public static Value GatherGrad(Value grad, Value indices, int[] dims, int axis)
    {
        axis = Axis(axis, dims.Length);
        int r = indices.Dims.Length;
        var result = new double[dims.Aggregate(1, (p, d) => p * d)];
        foreach (var index in Indices(grad.Dims))
            result[Flat(dims, [.. index[..axis], (int)Get(indices, index[axis..(axis + r)]), .. index[(axis + r)..]])] += Get(grad, index);
        return new(result, dims);
    }

    public static Value OneHot(Value indices, int depth) =>
        Make([.. indices.Dims, depth], index => Get(indices, index[..^1]) == index[^1] ? 1 : 0);

    // A scalar condition picks everything, a vector one (for x of higher rank) whole rows.
    public static Value Select(Value condition, Value x, Value y) => Make(x.Dims, index =>
    {
        double c = condition.Dims.Length == 0 ? condition.Data[0]
            : condition.Dims.Length == 1 && x.Dims.Length > 1 ? condition.Data[index[0]]
            : Get(condition, index);
        return c != 0 ? Get(x, index) : Get(y, index);
    });

    public static Value Max(Value x, int[]? axis, bool keepDims)
    {
        int rank = x.Dims.Length;
        var reduced = new bool[rank];
        foreach (int a in axis ?? Enumerable.Range(0, rank).ToArray()) reduced[Axis(a, rank)] = true;
        var kept = x.Dims.Select((d, i) => reduced[i] ? 1 : d).ToArray();
        var result = Enumerable.Repeat(double.NegativeInfinity, kept.Aggregate(1, (p, d) => p * d)).ToArray();
        foreach (var index in Indices(x.Dims))
        {
            int flat = Flat(kept, index.Select((v, i) => reduced[i] ? 0 : v).ToArray());
            result[flat] = Math.Max(result[flat], Get(x, index));
        }
        return new(result, keepDims ? kept : x.Dims.Where((_, i) => !reduced[i]).ToArray());
    }

    public static Value SparseCrossEntropy(Value logits, Value labels)
    {
        int cols = logits.Dims[1];
        var loss = logits.Data.Chunk(cols).Select((row, r) => -LogSoftmax(row)[(int)labels.Data[r]]);
        return new(loss.ToArray(), [logits.Dims[0]]);
    }

    public static Value SigmoidCrossEntropy(Value logits, Value labels) =>
        Zip(labels, logits, (z, x) => -(z * Math.Log(1 / (1 + Math.Exp(-x))) + (1 - z) * Math.Log(1 - 1 / (1 + Math.Exp(-x)))));
}
