using ActorGraph.Summaries.Proto;

namespace ActorGraph.Summaries;

// TensorFlow's histogram (tensorflow/core/lib/histogram/histogram.cc): buckets whose limits grow by 10%
// from 1e-12 to 1e20 on each side of zero, so TensorBoard reads ours as it reads TensorFlow's.
public static class Histograms
{
    private static readonly double[] Limits = BuildDefaultLimits();

    public static IReadOnlyList<double> DefaultBucketLimits => Limits;

    private static double[] BuildDefaultLimits()
    {
        var positive = new List<double>();
        for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) positive.Add(v);
        positive.Add(double.MaxValue);
        var limits = new List<double>(2 * positive.Count + 1);
        for (int i = positive.Count - 1; i >= 0; i--) limits.Add(-positive[i]);
        limits.Add(0.0);
        limits.AddRange(positive);
        return limits.ToArray();
    }

    // A run of empty buckets is written as one, as TensorFlow's summary kernel does.
    internal static HistogramProto Build(IEnumerable<double> values)
    {
        var limits = Limits;
        var counts = new double[limits.Length];
        double min = double.MaxValue, max = -double.MaxValue, num = 0, sum = 0, sumSquares = 0;
        foreach (var value in values)
        {
            counts[UpperBound(limits, value)] += 1;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
            num++;
            sum += value;
            sumSquares += value * value;
        }
        var proto = new HistogramProto { Min = min, Max = max, Num = num, Sum = sum, SumSquares = sumSquares };
        for (int i = 0; i < counts.Length;)
        {
            double end = limits[i], count = counts[i++];
            if (count <= 0)
                while (i < counts.Length && counts[i] <= 0) end = limits[i++];
            proto.BucketLimit.Add(end);
            proto.Bucket.Add(count);
        }
        return proto;
    }

    // The first limit greater than value: std::upper_bound.
    private static int UpperBound(double[] limits, double value)
    {
        int lo = 0, hi = limits.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (limits[mid] <= value) lo = mid + 1;
            else hi = mid;
        }
        return Math.Min(lo, limits.Length - 1);
    }
}
