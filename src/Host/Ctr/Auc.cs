namespace ActorGraph.Host.Ctr;

// The area under the ROC curve, exactly: the Mann-Whitney statistic over the scores sorted once, tied
// scores sharing their average rank (so a tie between a positive and a negative counts one half).
internal static class Auc
{
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        if (scores.Length != labels.Length)
            throw new ArgumentException($"AUC needs one label per score, got {scores.Length} scores and {labels.Length} labels.");
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        int nan = Array.FindIndex(keys, float.IsNaN);
        if (nan >= 0) throw new ArgumentException($"AUC needs numbers, score {nan} is NaN.");
        Array.Sort(keys, order);
        double positiveRankSum = 0;
        long positives = 0;
        for (int start = 0; start < keys.Length;)
        {
            int end = start;
            while (end < keys.Length && keys[end] == keys[start]) end++;
            double averageRank = (start + 1 + end) / 2.0; // ranks start+1..end, 1-based
            for (int i = start; i < end; i++)
            {
                float label = labels[order[i]];
                if (label != 0 && label != 1) throw new ArgumentException($"AUC labels must be 0 or 1, label {order[i]} is {label}.");
                if (label == 1) { positiveRankSum += averageRank; positives++; }
            }
            start = end;
        }
        long negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"AUC needs both classes, got {positives} positive and {negatives} negative labels.");
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
