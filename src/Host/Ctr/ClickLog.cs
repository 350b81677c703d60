namespace ActorGraph.Host.Ctr;

// The examples of one split: Ids[i * Fields + f] is example i's id in field f (in the shared id space),
// Labels[i] its click (0 or 1).
internal sealed record ClickSplit(int[] Ids, float[] Labels, int Fields)
{
    public int Count => Labels.Length;

    public ReadOnlySpan<int> Example(int i) => Ids.AsSpan(i * Fields, Fields);
}

// A click log with a planted truth: each field's ids drawn from its Zipf curve, each label drawn from the
// planted model's probability. The same shape gives the same log, bit for bit.
internal sealed record ClickLog(ClickLogShape Shape, PlantedModel Truth, ClickSplit Train, ClickSplit Test)
{
    public static ClickLog Generate(ClickLogShape shape)
    {
        shape.Validate();
        // Separate streams: the truth does not change with the split sizes, nor the test set with the training set's size.
        var samplers = shape.FieldSizes().Select(n => new ZipfSampler(n, shape.ZipfExponent)).ToArray();
        var truth = PlantedModel.Draw(shape, samplers, new Random(shape.Seed));
        var offsets = shape.FieldOffsets();
        var train = Draw(shape.TrainExamples, truth, samplers, offsets, shape.Seed + 1);
        var test = Draw(shape.TestExamples, truth, samplers, offsets, shape.Seed + 2);
        return new ClickLog(shape, truth, train, test);
    }

    // The planted model's click probabilities for a split: the scores a perfect learner would give.
    public float[] TruthScores(ClickSplit split)
    {
        var scores = new float[split.Count];
        for (int i = 0; i < scores.Length; i++) scores[i] = PlantedModel.Sigmoid(Truth.Logit(split.Example(i)));
        return scores;
    }

    public double TruthAuc() => Auc.Compute(TruthScores(Test), Test.Labels);

    // Examples come in blocks with a seed each, drawn in parallel: the same log whatever the core count.
    private const int BlockExamples = 1 << 15;

    private static ClickSplit Draw(int count, PlantedModel truth, ZipfSampler[] samplers, int[] offsets, int seed)
    {
        int fields = samplers.Length;
        var ids = new int[count * fields];
        var labels = new float[count];
        int blocks = (count + BlockExamples - 1) / BlockExamples;
        Parallel.For(0, blocks, block =>
        {
            var random = new Random(unchecked(seed * 1_000_003 + block));
            for (int i = block * BlockExamples; i < Math.Min(count, (block + 1) * BlockExamples); i++)
            {
                var example = ids.AsSpan(i * fields, fields);
                for (int f = 0; f < fields; f++) example[f] = offsets[f] + samplers[f].Sample(random);
                labels[i] = random.NextDouble() < PlantedModel.Sigmoid(truth.Logit(example)) ? 1 : 0;
            }
        });
        return new ClickSplit(ids, labels, fields);
    }
}
