namespace ActorGraph.Host.Ctr;

// Ranks 0..n-1 drawn with probability proportional to 1/(rank+1)^exponent: the popularity curve of ids in
// click logs. Vose's alias method: one uniform slot and one coin per draw, whatever n is.
internal sealed class ZipfSampler
{
    private readonly double[] _probabilities;
    private readonly float[] _keep;
    private readonly int[] _alias;

    public ZipfSampler(int n, double exponent)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "A Zipf distribution needs at least one rank.");
        if (!(exponent > 0)) throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The Zipf exponent must be positive.");
        _probabilities = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) sum += _probabilities[k] = Math.Pow(k + 1, -exponent);
        for (int k = 0; k < n; k++) _probabilities[k] /= sum;
        (_keep, _alias) = AliasTable(_probabilities);
    }

    public int Count => _probabilities.Length;

    public double Probability(int rank) => _probabilities[rank];

    public int Sample(Random random)
    {
        int slot = random.Next(_keep.Length);
        return random.NextSingle() < _keep[slot] ? slot : _alias[slot];
    }

    // Each slot keeps its own rank with probability keep[slot] and gives the rest to alias[slot]; slots
    // under the average are topped up from those above it.
    private static (float[] Keep, int[] Alias) AliasTable(double[] probabilities)
    {
        int n = probabilities.Length;
        var scaled = probabilities.Select(p => p * n).ToArray();
        var keep = new float[n];
        var alias = new int[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++) (scaled[i] < 1 ? small : large).Push(i);
        while (small.Count > 0 && large.Count > 0)
        {
            int under = small.Pop(), over = large.Peek();
            keep[under] = (float)scaled[under];
            alias[under] = over;
            scaled[over] -= 1 - scaled[under];
            if (scaled[over] < 1) small.Push(large.Pop());
        }
        // What is left is 1 up to rounding.
        foreach (var i in small.Concat(large)) { keep[i] = 1; alias[i] = i; }
        return (keep, alias);
    }
}
