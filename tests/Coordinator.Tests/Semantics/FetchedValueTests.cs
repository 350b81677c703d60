using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// The executor reuses buffers between steps; what a Run returned belongs to the caller.
public class FetchedValueTests
{
    [Fact]
    public void A_fetched_value_is_not_overwritten_by_later_runs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [3]);
        var y = x * 2f + 1f;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var first = sess.Run(y, new FeedDict { [x] = new[] { 1f, 2f, 3f } });
        var second = sess.Run(y, new FeedDict { [x] = new[] { 10f, 20f, 30f } });
        var third = sess.Run([y], new FeedDict { [x] = new[] { 0f, 0f, 0f } })[0]!;
        Assert.Equal([3f, 5f, 7f], first.ToArray<float>());
        Assert.Equal([21f, 41f, 61f], second.ToArray<float>());
        Assert.Equal([1f, 1f, 1f], third.ToArray<float>());
    }

    [Fact]
    public void Intermediate_values_fetched_beside_the_result_stay_intact()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Int32);
        var square = TF.Square(x);
        var result = square + 1;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var kept = sess.Run([square, result, square], new FeedDict { [x] = 3 });
        for (int i = 0; i < 3; i++) sess.Run([square, result], new FeedDict { [x] = i });
        Assert.Equal([9, 10, 9], kept.Select(v => v!.ToScalar<int>()));
    }

    [Fact]
    public void A_fetched_variable_value_does_not_change_when_the_variable_is_updated()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [2], initializer: TF.ZerosInitializer());
        var inc = TF.AssignAdd(v, TF.Constant(new[] { 1f, 1f }));
        var seen = TF.Identity(v);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        var before = sess.Run(v);
        var viaIdentity = sess.Run(seen);
        var returnedByInc = sess.Run(inc);
        sess.Run(inc);
        sess.Run(TF.Assign(v, TF.Constant(new[] { 9f, 9f })));
        Assert.Equal([0f, 0f], before.ToArray<float>());
        Assert.Equal([0f, 0f], viaIdentity.ToArray<float>());
        Assert.Equal([1f, 1f], returnedByInc.ToArray<float>());
        Assert.Equal([9f, 9f], sess.Run(v).ToArray<float>());
    }

    [Fact]
    public void A_fed_value_is_returned_and_not_reused_as_a_buffer()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2]);
        var y = x + 1f;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        NDArray fed = new[] { 1f, 2f };
        var r = sess.Run([x, y], new FeedDict { [x] = fed });
        sess.Run([x, y], new FeedDict { [x] = new[] { 5f, 5f } });
        Assert.Equal([1f, 2f], r[0]!.ToArray<float>());
        Assert.Equal([2f, 3f], r[1]!.ToArray<float>());
        Assert.Equal([1f, 2f], fed.ToArray<float>());
    }
}
