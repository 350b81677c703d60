namespace ActorGraph.GraphTests.Ops;

// Plain double-precision versions of every op, written for clarity, not speed.
public static class Reference
{
    public static Value Map(Value x, Func<double, double> f) => new(x.Data.Select(f).ToArray(), x.Dims);

    public static int[] BroadcastDims(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = Dim(a, i - (rank - a.Length)), db = Dim(b, i - (rank - b.Length));
            dims[i] = da == 1 ? db : da;
        }
        return dims;
    }

    private static int Dim(int[] dims, int i) => i < 0 ? 1 : dims[i];

    // The element of x that position `index` of a broadcast result reads (NumPy rules).
    public static double At(Value x, int[] index)
    {
        int offset = index.Length - x.Dims.Length, flat = 0;
        for (int i = 0; i < x.Dims.Length; i++)
            flat = flat * x.Dims[i] + (x.Dims[i] == 1 ? 0 : index[i + offset]);
        return x.Data[flat];
    }

    public static IEnumerable<int[]> Indices(int[] dims)
    {
        int total = dims.Aggregate(1, (a, b) => a * b);
        var index = new int[dims.Length];
        for (int n = 0; n < total; n++)
        {
            yield return (int[])index.Clone();
            for (int axis = dims.Length - 1; axis >= 0; axis--)
            {
                if (++index[axis] < dims[axis]) break;
                index[axis] = 0;
            }
        }
    }

    public static Value Zip(Value a, Value b, Func<double, double, double> f)
    {
        var dims = BroadcastDims(a.Dims, b.Dims);
        return new(Indices(dims).Select(i => f(At(a, i), At(b, i))).ToArray(), dims);
    }

    public static Value Compare(Value a, Value b, Func<double, double, bool> f) => Zip(a, b, (x, y) => f(x, y) ? 1 : 0);

    // Sum or mean over `axis` (null: all), negative axes from the end.
    public static Value Reduce(Value x, int[]? axis, bool keepDims, bool mean)
    {
        int rank = x.Dims.Length;
        var reduced = new bool[rank];
        foreach (int a in axis ?? Enumerable.Range(0, rank).ToArray()) reduced[a < 0 ? a + rank : a] = true;
        var outDims = Enumerable.Range(0, rank).Where(i => !reduced[i] || keepDims).Select(i => reduced[i] ? 1 : x.Dims[i]).ToArray();
        var keptDims = Enumerable.Range(0, rank).Select(i => reduced[i] ? 1 : x.Dims[i]).ToArray();
        var sums = new double[keptDims.Aggregate(1, (p, d) => p * d)];
        int count = 0;
        foreach (var (index, n) in Indices(x.Dims).Select((index, n) => (index, n)))
        {
            int flat = 0;
            for (int i = 0; i < rank; i++) flat = flat * keptDims[i] + (reduced[i] ? 0 : index[i]);
            sums[flat] += x.Data[n];
            if (flat == 0) count++;
        }
        return new(mean ? sums.Select(s => s / count).ToArray() : sums, outDims);
    }

    // Sums x back to `dims`, the reverse of broadcasting dims up to x's shape.
    public static Value SumTo(Value x, int[] dims)
    {
        var result = new double[dims.Aggregate(1, (p, d) => p * d)];
        var target = new Value(result, dims);
        foreach (var (index, n) in Indices(x.Dims).Select((index, n) => (index, n)))
        {
            int offset = index.Length - dims.Length, flat = 0;
            for (int i = 0; i < dims.Length; i++) flat = flat * dims[i] + (dims[i] == 1 ? 0 : index[i + offset]);
            result[flat] += x.Data[n];
        }
        return target;
    }

    public static Value BroadcastTo(Value x, int[] dims) => new(Indices(dims).Select(i => At(x, i)).ToArray(), dims);

    public static Value MatMul(Value a, Value b, bool ta, bool tb)
    {
        int m = ta ? a.Dims[1] : a.Dims[0], k = ta ? a.Dims[0] : a.Dims[1], n = tb ? b.Dims[0] : b.Dims[1];
        double A(int i, int p) => ta ? a.Data[p * a.Dims[1] + i] : a.Data[i * a.Dims[1] + p];
        double B(int p, int j) => tb ? b.Data[j * b.Dims[1] + p] : b.Data[p * b.Dims[1] + j];
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                for (int p = 0; p < k; p++) c[i * n + j] += A(i, p) * B(p, j);
        return new(c, [m, n]);
    }

    public static Value Transpose(Value x, int[]? perm)
    {
        int rank = x.Dims.Length;
        perm ??= Enumerable.Range(0, rank).Reverse().ToArray();
        var dims = perm.Select(p => x.Dims[p]).ToArray();
        var source = new int[rank];
        return new(Indices(dims).Select(index =>
        {
            for (int i = 0; i < rank; i++) source[perm[i]] = index[i];
            int flat = 0;
            for (int i = 0; i < rank; i++) flat = flat * x.Dims[i] + source[i];
            return x.Data[flat];
        }).ToArray(), dims);
    }

    // f applied to each row of the last axis.
    public static Value Rows(Value x, Func<double[], double[]> f)
    {
        int cols = x.Dims[^1];
        return new(x.Data.Chunk(cols).SelectMany(f).ToArray(), x.Dims);
    }

    public static double[] Softmax(double[] row)
    {
        var e = row.Select(Math.Exp).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    public static double[] LogSoftmax(double[] row)
    {
        double logSum = Math.Log(row.Sum(Math.Exp));
        return row.Select(v => v - logSum).ToArray();
    }

    public static Value CrossEntropy(Value logits, Value labels)
    {
        int cols = logits.Dims[1];
        var loss = logits.Data.Chunk(cols).Zip(labels.Data.Chunk(cols), (z, p) => -LogSoftmax(z).Zip(p, (l, q) => l * q).Sum());
        return new(loss.ToArray(), [logits.Dims[0]]);
    }

    public static Value ArgMax(Value x, int axis)
    {
        int rank = x.Dims.Length;
        if (axis < 0) axis += rank;
        int outer = x.Dims[..axis].Aggregate(1, (p, d) => p * d), size = x.Dims[axis];
        int inner = x.Dims[(axis + 1)..].Aggregate(1, (p, d) => p * d);
        var result = new double[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++)
            {
                int best = 0;
                for (int k = 1; k < size; k++)
                    if (x.Data[(o * size + k) * inner + j] > x.Data[(o * size + best) * inner + j]) best = k;
                result[o * inner + j] = best;
            }
        return new(result, x.Dims.Where((_, i) => i != axis).ToArray());
    }
}
