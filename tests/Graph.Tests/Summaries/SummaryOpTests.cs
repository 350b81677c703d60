using ActorGraph.GraphTests.Execution;
using ActorGraph.Summaries.Proto;
using Xunit;

namespace ActorGraph.GraphTests.Summaries;

public class SummaryOpTests
{
    private static Summary Parse(NDArray value)
    {
        Assert.Equal(DType.String, value.DType);
        Assert.Equal(0, value.Shape.Rank);
        return Summary.Parser.ParseFrom(value.ByteStrings[0]);
    }

    [Fact]
    public void Summary_ops_are_named_and_tagged_by_their_name_scope_as_in_TensorFlow()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        Tensor first, second, inner;
        first = TF.Summary.Scalar("loss", TF.Constant(1f));
        second = TF.Summary.Scalar("loss", TF.Constant(2f));
        using (TF.NameScope("train")) inner = TF.Summary.Histogram("weights", TF.Constant(new[] { 1f, 2f }));
        Assert.Equal(["loss", "loss_1", "train/weights"], new[] { first, second, inner }.Select(t => t.Op.Name));
        Assert.Equal("loss/tags", first.Op.Inputs[0].Op.Name);
        Assert.Equal("train/weights/tag", inner.Op.Inputs[0].Op.Name);
        var sess = new LocalExecutor(g);
        Assert.Equal("loss_1", Parse(sess.Run(second)).Value.Single().Tag);
        Assert.Equal("train/weights", Parse(sess.Run(inner)).Value.Single().Tag);
    }

    [Fact]
    public void Merge_joins_the_values_of_every_summary_and_MergeAll_takes_the_collection()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        Assert.Null(TF.Summary.MergeAll());
        TF.Summary.Scalar("a", TF.Constant(1.5));
        TF.Summary.Scalar("b", TF.Constant(7));
        TF.Summary.Histogram("h", TF.Constant(new[] { -1.0, 0.5 }));
        var merged = TF.Summary.MergeAll()!;
        Assert.Equal("Merge/MergeSummary", merged.Op.Name);
        var sess = new LocalExecutor(g);
        var values = Parse(sess.Run(merged)).Value;
        Assert.Equal(["a", "b", "h"], values.Select(v => v.Tag));
        Assert.Equal(1.5f, values[0].SimpleValue);
        Assert.Equal(7f, values[1].SimpleValue);
        Assert.Equal(2, values[2].Histo.Num);
    }

    [Fact]
    public void Duplicate_tags_non_finite_histograms_and_wrong_dtypes_say_what_to_fix()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2]);
        var same = TF.Summary.Scalar("same", TF.Constant(1f));
        var twice = TF.Summary.Merge([same, same]);
        var histogram = TF.Summary.Histogram("h", x);
        var sess = new LocalExecutor(g);
        var duplicate = Assert.Throws<InvalidArgumentException>(() => sess.Run(twice));
        Assert.Contains("Duplicate tag same", duplicate.Message);
        var nan = Assert.Throws<InvalidArgumentException>(() => sess.Run(histogram, new FeedDict { [x] = new[] { 1f, float.NaN } }));
        Assert.Contains("Nan in summary histogram for: h", nan.Message);
        var notNumeric = Assert.Throws<ArgumentException>(() => TF.Summary.Scalar("s", TF.Constant(NDArray.Scalar("text"))));
        Assert.Contains("numeric", notNumeric.Message);
        var notSummary = Assert.Throws<ArgumentException>(() => TF.Summary.Merge([TF.Constant(1f)]));
        Assert.Contains("string", notSummary.Message);
    }
}
