using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// A summary runs where its value is computed, so only the serialized summary crosses to the client.
public class SummaryPlacementTests() : TestKit(TestConfig.Actors)
{
    [Fact]
    public void A_summary_and_its_tag_run_on_the_worker_that_computes_the_value()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor big;
        using (TF.Device("/job:worker/task:1")) big = TF.Square(TF.Constant(Enumerable.Range(0, 1000).Select(i => (float)i).ToArray()), name: "big");
        var histogram = TF.Summary.Histogram("big_values", big);
        TF.Summary.Scalar("big_sum", TF.ReduceSum(big));
        var merged = TF.Summary.MergeAll()!;
        using var sess = new Session(g, new SessionOptions { Workers = 2, ActorSystem = Sys });
        var plan = sess.Explain([merged], []);
        Assert.Equal("/job:worker/task:1", plan.Placement["big_values"]);
        Assert.Equal("/job:worker/task:1", plan.Placement["big_values/tag"]);
        Assert.Equal("/job:worker/task:1", plan.Placement["big_sum"]);
        Assert.Equal(1000, ActorGraph.Summaries.Proto.Summary.Parser.ParseFrom(sess.Run(histogram).ByteStrings[0]).Value[0].Histo.Num);
        Assert.Equal(2, ActorGraph.Summaries.Proto.Summary.Parser.ParseFrom(sess.Run(merged).ByteStrings[0]).Value.Count);
    }
}
