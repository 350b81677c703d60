namespace ActorGraph.Kernels;

// NumPy broadcasting of shapes, statically (with unknown dims) and at run time.
public static class Broadcast
{
    // The broadcast of two static shapes; null when they cannot broadcast.
    public static Shape? StaticShape(Shape a, Shape b)
    {
        if (a.IsUnknownRank || b.IsUnknownRank) return Shape.Unknown;
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da == db) dims[i] = da;
            else if (da == 1) dims[i] = db;
            else if (db == 1) dims[i] = da;
            else if (da == -1) dims[i] = db;
            else if (db == -1) dims[i] = da;
            else return null;
        }
        return Shape.Own(dims);
    }

    // The broadcast of two concrete shapes, or an InvalidArgumentException naming both.
    public static int[] Dims(Shape a, Shape b, string opName)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
                throw new InvalidArgumentException($"Incompatible shapes: {a.ToBracketString()} vs. {b.ToBracketString()} (op '{opName}')");
            dims[i] = da == 1 ? db : da;
        }
        return dims;
    }

    // Element strides of `shape` seen as `rank` dims of the broadcast result: 0 where it repeats.
    public static int[] Strides(Shape shape, int[] outDims)
    {
        int rank = outDims.Length, offset = rank - shape.Rank;
        var strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= offset; i--)
        {
            int d = shape[i - offset];
            strides[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return strides;
    }
}
