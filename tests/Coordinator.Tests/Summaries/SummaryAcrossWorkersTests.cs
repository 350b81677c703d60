using ActorGraph.Summaries.Proto;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Summaries;

// Summaries in local mode's actors: each computed on the worker that holds its value.
public class SummaryPlacementInSessionTests
{
    private static Summary Parse(NDArray value) => Summary.Parser.ParseFrom(value.ByteStrings[0]);

    [Fact]
    public void Summaries_of_values_on_another_worker_run_there_and_reach_the_client()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        Tensor a, b;
        using (TF.Device("/job:worker/task:0")) a = TF.Summary.Scalar("a", TF.Constant(3f) * 2f);
        using (TF.Device("/job:worker/task:1")) b = TF.Summary.Histogram("b", TF.Constant(new[] { 1f, 2f, 3f }));
        var merged = TF.Summary.Merge([a, b]);
        using var sess = new Session(g, new SessionOptions { Workers = 2 });
        var values = Parse(sess.Run(merged)).Value;
        Assert.Equal(6f, values[0].SimpleValue);
        Assert.Equal(6.0, values[1].Histo.Sum);
    }
}
