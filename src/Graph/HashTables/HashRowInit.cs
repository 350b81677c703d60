using MessagePack;

namespace ActorGraph.HashTables;

// How a hash table's new row gets its values: a pure function of (table seed, id), so a row is the same whatever
// created it (executor, local mode, a cluster shard), in whatever order, after any placement or eviction.
public enum HashRowDistribution
{
    Constant,
    Uniform,
    Normal,
    // Normal, redrawn beyond two standard deviations (TensorFlow's truncated_normal, embedding_column's default).
    TruncatedNormal,
}

// A: the constant, the lower bound, or the mean; B: the width of the range, or the standard deviation.
[MessagePackObject]
public readonly record struct HashRowInit(
    [property: Key(0)] HashRowDistribution Distribution,
    [property: Key(1)] double A,
    [property: Key(2)] double B,
    [property: Key(3)] long Seed)
{
    public void Fill(Span<float> row, long id)
    {
        var random = new IdRandom(Seed, id);
        for (int i = 0; i < row.Length; i++) row[i] = (float)Next(ref random);
    }

    public void Fill(Span<double> row, long id)
    {
        var random = new IdRandom(Seed, id);
        for (int i = 0; i < row.Length; i++) row[i] = Next(ref random);
    }

    private double Next(ref IdRandom random) => Distribution switch
    {
        HashRowDistribution.Constant => A,
        HashRowDistribution.Uniform => A + B * random.NextUniform(),
        HashRowDistribution.Normal => A + B * random.NextNormal(),
        _ => A + B * random.NextTruncatedNormal(),
    };
}

// SplitMix64 seeded by (seed, id): cheap, and every id's stream independent of every other's.
internal struct IdRandom(long seed, long id)
{
    private ulong _state = IdHash.Mix(IdHash.Mix((ulong)seed) ^ (ulong)id);

    public ulong NextBits()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return IdHash.Mix(_state);
    }

    // In [0, 1).
    public double NextUniform() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    // Box-Muller, one value per pair of draws so the stream does not depend on keeping a spare.
    public double NextNormal()
    {
        double u1 = 1.0 - NextUniform(), u2 = NextUniform();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public double NextTruncatedNormal()
    {
        while (true)
        {
            double z = NextNormal();
            if (Math.Abs(z) <= 2.0) return z;
        }
    }
}

public static class IdHash
{
    // SplitMix64's finalizer: spreads ids of any range (negative included) evenly.
    public static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    // The part of a table of `parts` parts that holds `id`.
    public static int PartOf(long id, int parts) => (int)(Mix((ulong)id) % (ulong)parts);

    // A stable seed from a table's name when its initializer has none (string.GetHashCode differs per process).
    public static long SeedOf(string name)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in name) h = (h ^ c) * 0x100000001B3UL;
        return (long)h;
    }
}
