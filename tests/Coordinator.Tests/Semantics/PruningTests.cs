using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// Only the computation path of the fetches runs, stopping at fed tensors (the seed's "computation paths").
public class PruningTests
{
    [Fact]
    public void An_unfed_placeholder_off_the_path_is_fine()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var input = TF.Placeholder(DType.Int32);
        var three = TF.Constant(3);
        var sum = input + three;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Equal(3, sess.Run(three).ToScalar<int>());
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(sum));
        Assert.StartsWith("You must feed a value for placeholder tensor 'Placeholder' with dtype int32", ex.Message);
        Assert.Equal(5, sess.Run(sum, new FeedDict { [input] = 2 }).ToScalar<int>());
    }

    [Fact]
    public void The_plan_holds_exactly_the_ops_on_the_path()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var input = TF.Placeholder(DType.Int32);
        var three = TF.Constant(3);
        var sum = input + three;
        _ = TF.Print(three, [three]);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Equal(["Const"], sess.Explain([three]).Operations);
        Assert.Equal(["Const", "Placeholder", "add"], sess.Explain([sum]).Operations.Order(StringComparer.Ordinal));
        Assert.Equal(["add"], sess.Explain([sum], [input, three]).Operations);
    }

    [Fact]
    public void Feeding_an_intermediate_replaces_its_value_and_skips_its_upstream()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Int32);
        var loud = TF.Print(x, [x], "upstream ran");
        var y = loud + 1;
        var z = y * 2;
        var writer = new StringWriter();
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        Assert.Equal(8, sess.Run(z, new FeedDict { [y] = 4 }).ToScalar<int>());
        Assert.Equal("", writer.ToString());
        Assert.Equal(12, sess.Run(z, new FeedDict { [x] = 5 }).ToScalar<int>());
        Assert.Equal("upstream ran[5]" + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void A_constant_can_be_fed_like_any_tensor()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        var sum = two + TF.Constant(3);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Equal(13, sess.Run(sum, new FeedDict { [two] = 10 }).ToScalar<int>());
        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
    }

    [Fact]
    public void Fetching_a_fed_tensor_returns_the_feed()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        var sum = two + TF.Constant(3);
        var writer = new StringWriter();
        var printed = TF.Print(sum, [sum]);
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        var r = sess.Run([sum, printed, two], new FeedDict { [sum] = 7, [printed] = 9 });
        Assert.Equal([7, 9, 2], r.Select(v => v!.ToScalar<int>()));
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void A_fed_tensor_keeps_its_feed_when_its_op_runs_for_another_reason()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var sum = TF.Constant(2) + TF.Constant(3);
        Tensor gated;
        using (TF.ControlDependencies(sum.Op)) gated = TF.Identity(TF.Constant(1));
        var doubled = sum * 2;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var r = sess.Run([gated, sum, doubled], new FeedDict { [sum] = 10 });
        Assert.Equal([1, 10, 20], r.Select(v => v!.ToScalar<int>()));
        r = sess.Run([sum.Op, sum, doubled], new FeedDict { [sum] = 10 });
        Assert.Equal(10, r[1]!.ToScalar<int>());
        Assert.Equal(20, r[2]!.ToScalar<int>());
    }

    [Fact]
    public void A_fed_placeholder_satisfies_the_ops_that_wait_on_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32);
        Tensor gated;
        using (TF.ControlDependencies(x.Op)) gated = TF.Constant(1f);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Throws<InvalidArgumentException>(() => sess.Run(gated));
        Assert.Equal(1f, sess.Run(gated, new FeedDict { [x] = 2f }).ToScalar<float>());
    }

    [Fact]
    public void Feeding_the_value_an_assign_takes_assigns_the_feed()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.Constant(new[] { 1f, 1f });
        var b = TF.Constant(new[] { 2f, 2f }, name: "b");
        var v = TF.GetVariable("v", [2], initializer: TF.ZerosInitializer());
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        sess.Run(TF.Assign(v, a).Op);
        Assert.Equal([1f, 1f], sess.Run(v).ToArray<float>());
        var assignB = TF.Assign(v, b);
        sess.Run(assignB.Op);
        Assert.Equal([2f, 2f], sess.Run(v).ToArray<float>());
        Assert.Equal([3f, 3f], sess.Run(assignB, new FeedDict { [g.GetTensor("b:0")] = new[] { 3f, 3f } }).ToArray<float>());
        Assert.Equal([3f, 3f], sess.Run(v).ToArray<float>());
    }

    [Fact]
    public void A_fetched_operation_returns_null_and_runs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var writer = new StringWriter();
        var printed = TF.Print(TF.Constant(1), [TF.Constant(2)]);
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        var r = sess.Run([printed.Op, printed]);
        Assert.Null(r[0]);
        Assert.Equal(1, r[1]!.ToScalar<int>());
        Assert.Equal("[2]" + Environment.NewLine, writer.ToString());
    }
}
