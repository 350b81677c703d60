using ActorGraph.Summaries;
using Xunit;

namespace ActorGraph.GraphTests.Summaries;

// Against tensorflow/core/lib/histogram/histogram.cc: its default limits and its EncodeToProto, which
// writes each run of empty buckets as one.
public class HistogramTests
{
    private static readonly IReadOnlyList<double> Limits = Histograms.DefaultBucketLimits;

    [Fact]
    public void Default_limits_grow_by_ten_percent_from_1e_12_to_1e20_on_both_sides_of_zero()
    {
        // 774 limits 1e-12 * 1.1^k below 1e20, then DBL_MAX; mirrored; and 0 between.
        Assert.Equal(2 * 775 + 1, Limits.Count);
        Assert.Equal(-double.MaxValue, Limits[0]);
        Assert.Equal(0.0, Limits[775]);
        Assert.Equal(1e-12, Limits[776]);
        Assert.Equal(double.MaxValue, Limits[^1]);
        Assert.True(Limits[^2] < 1e20 && Limits[^2] * 1.1 >= 1e20);
        for (int i = 777; i < Limits.Count - 1; i++) Assert.Equal(Limits[i - 1] * 1.1, Limits[i]);
        for (int i = 0; i < 775; i++) Assert.Equal(-Limits[^(i + 1)], Limits[i]);
    }

    [Fact]
    public void A_single_zero_lands_in_the_bucket_ending_at_1e_12()
    {
        var h = Histograms.Build([0.0]);
        Assert.Equal([0.0, 1e-12, double.MaxValue], h.BucketLimit);
        Assert.Equal([0.0, 1.0, 0.0], h.Bucket);
        Assert.Equal((0.0, 0.0, 1.0, 0.0, 0.0), (h.Min, h.Max, h.Num, h.Sum, h.SumSquares));
    }

    [Fact]
    public void Buckets_match_an_upper_bound_search_over_the_limits()
    {
        double[] values = [-3.5, -3.5, -1e-13, 0.25, 1.0, 1.0, 7.0, 1e6, 2e25];
        var h = Histograms.Build(values);
        var expected = new double[Limits.Count];
        // Bucket i holds limit[i-1] <= v < limit[i] (std::upper_bound).
        foreach (var v in values) expected[Enumerable.Range(0, Limits.Count).First(i => Limits[i] > v)]++;
        var (limits, counts) = Collapse(expected);
        Assert.Equal(limits, h.BucketLimit);
        Assert.Equal(counts, h.Bucket);
        Assert.Equal(values.Length, h.Bucket.Sum());
        Assert.Equal((-3.5, 2e25, values.Sum(), values.Sum(v => v * v)), (h.Min, h.Max, h.Sum, h.SumSquares));
    }

    [Fact]
    public void A_value_equal_to_a_limit_goes_to_the_next_bucket()
    {
        var h = Histograms.Build([1e-12]);
        Assert.Equal(1.0, h.Bucket[h.BucketLimit.IndexOf(Limits[777])]);
    }

    [Fact]
    public void An_empty_histogram_is_one_empty_bucket_up_to_DBL_MAX()
    {
        var h = Histograms.Build([]);
        Assert.Equal([double.MaxValue], h.BucketLimit);
        Assert.Equal([0.0], h.Bucket);
        Assert.Equal(0, h.Num);
    }

    private static (List<double>, List<double>) Collapse(double[] counts)
    {
        List<double> limits = [], kept = [];
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0 && i + 1 < counts.Length && counts[i + 1] == 0) continue;
            limits.Add(Limits[i]);
            kept.Add(counts[i]);
        }
        return (limits, kept);
    }
}
