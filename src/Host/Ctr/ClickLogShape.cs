namespace ActorGraph.Host.Ctr;

// The size of a generated click log: categorical fields whose ids share one id space of Rows ids
// (field f owns ids FieldOffsets[f] .. FieldOffsets[f] + FieldSizes[f] - 1), the Zipf exponent of each
// field's popularity curve, the rank of the planted pairwise interactions, the examples of each split
// and the seed that fixes all of it.
internal sealed record ClickLogShape(int Fields, int Rows, double ZipfExponent, int Rank, int TrainExamples, int TestExamples, int Seed)
{
    // Criteo's 26 categorical fields and a million ids.
    public static ClickLogShape Default { get; } = new(26, 1_000_000, 1.2, 4, 1_000_000, 100_000, 18);

    // Field sizes grow geometrically, as in click logs: a few fields of a handful of values (device,
    // position), a few of hundreds of thousands (user, item).
    private const double SizeGrowth = 1.5;
    private const int SmallestField = 2;

    public void Validate()
    {
        if (Fields < 2) throw new ArgumentException($"A click log needs at least 2 fields for pairwise interactions, got {Fields}.");
        if (Rows < SmallestField * Fields) throw new ArgumentException($"{Fields} fields need at least {SmallestField * Fields} ids in all, got {Rows}.");
        if (Rank < 1) throw new ArgumentException($"The interaction rank must be at least 1, got {Rank}.");
        if (TrainExamples < 1 || TestExamples < 1) throw new ArgumentException($"Both splits need examples, got {TrainExamples} training and {TestExamples} test examples.");
        if (!(ZipfExponent > 0)) throw new ArgumentException($"The Zipf exponent must be positive, got {ZipfExponent}.");
    }

    public int[] FieldSizes()
    {
        var weights = Enumerable.Range(0, Fields).Select(f => Math.Pow(SizeGrowth, f)).ToArray();
        double total = weights.Sum();
        var sizes = weights.Select(w => Math.Max(SmallestField, (int)(Rows * w / total))).ToArray();
        sizes[^1] += Rows - sizes.Sum(); // the largest field absorbs the rounding
        return sizes;
    }

    public int[] FieldOffsets()
    {
        var sizes = FieldSizes();
        var offsets = new int[Fields];
        for (int f = 1; f < Fields; f++) offsets[f] = offsets[f - 1] + sizes[f - 1];
        return offsets;
    }
}
