using ActorGraph.Host.Ctr;

namespace ActorGraph.Host.Tests.Ctr;

public class AucTests
{
    [Theory]
    [InlineData(new float[] { 0.1f, 0.4f, 0.35f, 0.8f }, new float[] { 0, 0, 1, 1 }, 0.75)] // 3 of 4 pairs in order
    [InlineData(new float[] { 0.2f, 0.5f, 0.5f, 0.9f }, new float[] { 0, 1, 0, 1 }, 0.875)] // one tied pair counts a half
    [InlineData(new float[] { 0.5f, 0.5f, 0.5f }, new float[] { 0, 1, 1 }, 0.5)]
    [InlineData(new float[] { 0.1f, 0.2f, 0.3f }, new float[] { 0, 1, 1 }, 1.0)]
    [InlineData(new float[] { 0.9f, 0.2f, 0.1f }, new float[] { 0, 1, 1 }, 0.0)]
    public void Auc_matches_hand_counted_pairs(float[] scores, float[] labels, double expected) =>
        Assert.Equal(expected, Auc.Compute(scores, labels), 12);

    [Fact]
    public void Auc_matches_a_count_over_all_pairs_on_random_scores_with_ties()
    {
        var random = new Random(3);
        var scores = Enumerable.Range(0, 500).Select(_ => random.Next(20) / 20f).ToArray();
        var labels = Enumerable.Range(0, 500).Select(_ => (float)random.Next(2)).ToArray();
        double ordered = 0, pairs = 0;
        for (int p = 0; p < scores.Length; p++)
            for (int n = 0; n < scores.Length; n++)
                if (labels[p] == 1 && labels[n] == 0)
                {
                    pairs++;
                    ordered += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0;
                }
        Assert.Equal(ordered / pairs, Auc.Compute(scores, labels), 12);
    }

    [Fact]
    public void Auc_of_one_class_only_is_refused_with_the_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => Auc.Compute([0.1f, 0.2f], [1, 1]));
        Assert.Contains("2 positive and 0 negative", e.Message);
    }

    [Fact]
    public void Auc_refuses_a_nan_score_and_a_label_that_is_not_0_or_1()
    {
        Assert.Contains("score 1 is NaN", Assert.Throws<ArgumentException>(() => Auc.Compute([0.1f, float.NaN], [0, 1])).Message);
        Assert.Contains("label 0 is 2", Assert.Throws<ArgumentException>(() => Auc.Compute([0.1f, 0.2f], [2, 1])).Message);
    }
}
