using ActorGraph.Host.Ctr;

namespace ActorGraph.Host.Tests.Ctr;

public class ClickLogTests
{
    private static readonly ClickLogShape Small = ClickLogShape.Default with { Rows = 20_000, TrainExamples = 20_000, TestExamples = 20_000 };

    [Fact]
    public void The_same_shape_generates_the_same_log_and_another_seed_another()
    {
        var a = ClickLog.Generate(Small);
        var b = ClickLog.Generate(Small);
        Assert.Equal(a.Train.Ids, b.Train.Ids);
        Assert.Equal(a.Train.Labels, b.Train.Labels);
        Assert.Equal(a.Test.Labels, b.Test.Labels);
        Assert.Equal(a.TruthScores(a.Test), b.TruthScores(b.Test));
        var c = ClickLog.Generate(Small with { Seed = Small.Seed + 1 });
        Assert.NotEqual(a.Train.Ids, c.Train.Ids);
    }

    [Fact]
    public void Fields_split_the_id_space_from_a_few_ids_to_most_of_them_and_each_id_stays_in_its_field()
    {
        var sizes = ClickLogShape.Default.FieldSizes();
        Assert.Equal(26, sizes.Length);
        Assert.Equal(1_000_000, sizes.Sum());
        Assert.True(sizes[0] < 20 && sizes[^1] > 300_000, string.Join(",", sizes));
        var log = ClickLog.Generate(Small);
        var offsets = Small.FieldOffsets();
        var smallSizes = Small.FieldSizes();
        for (int i = 0; i < log.Train.Count; i += 97)
            for (int f = 0; f < Small.Fields; f++)
                Assert.InRange(log.Train.Example(i)[f], offsets[f], offsets[f] + smallSizes[f] - 1);
    }

    [Fact]
    public void Ids_follow_zipfs_law_in_every_field()
    {
        var log = ClickLog.Generate(Small with { TrainExamples = 200_000 });
        var offsets = Small.FieldOffsets();
        int last = Small.Fields - 1;
        var counts = new int[Small.FieldSizes()[last]];
        for (int i = 0; i < log.Train.Count; i++) counts[log.Train.Example(i)[last] - offsets[last]]++;
        // P(rank r) ∝ (r+1)^-s: rank 0 is 2^s times as frequent as rank 1, 10^s times rank 9.
        double s = Small.ZipfExponent;
        Assert.InRange(counts[0] / (double)counts[1], 0.93 * Math.Pow(2, s), 1.07 * Math.Pow(2, s));
        Assert.InRange(counts[0] / (double)counts[9], 0.85 * Math.Pow(10, s), 1.15 * Math.Pow(10, s));
        var sampler = new ZipfSampler(counts.Length, s);
        Assert.InRange(counts[0] / (double)log.Train.Count, 0.97 * sampler.Probability(0), 1.03 * sampler.Probability(0));
    }

    [Fact]
    public void The_planted_model_ranks_the_test_clicks_well_above_chance_at_a_click_rate_near_a_quarter()
    {
        var log = ClickLog.Generate(Small);
        double auc = log.TruthAuc();
        Assert.InRange(auc, 0.75, 0.95);
        Assert.InRange(log.Test.Labels.Average(), 0.15, 0.4);
        // The labels are drawn from the truth: shuffled scores rank them at chance.
        var shuffled = log.TruthScores(log.Test);
        new Random(1).Shuffle(shuffled);
        Assert.InRange(Auc.Compute(shuffled, log.Test.Labels), 0.47, 0.53);
    }

    [Fact]
    public void A_shape_too_small_for_its_fields_is_refused_saying_how_many_ids_it_needs()
    {
        var e = Assert.Throws<ArgumentException>(() => ClickLog.Generate(Small with { Rows = 10 }));
        Assert.Contains("at least 52 ids", e.Message);
    }
}
