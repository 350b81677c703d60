using Xunit;

namespace ActorGraph.GraphTests.Execution;

// TensorFlow's texts first, then what to do about them: the graph's own errors, as a run meets them.
public class TeachingErrorTests
{
    private readonly Graph _graph = new();

    [Fact]
    public void A_missing_feed_names_the_chain_from_the_fetch_to_the_placeholder()
    {
        using var scope = _graph.AsDefault();
        var input = TF.Placeholder(DType.Int32);
        var three = TF.Constant(3);
        var sum = input + three;
        var doubled = sum * 2;
        var sess = new LocalExecutor(_graph);
        Assert.Equal(3, sess.Run(three).ToScalar<int>());
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(doubled));
        Assert.StartsWith("You must feed a value for placeholder tensor 'Placeholder' with dtype int32", e.Message);
        Assert.Contains("mul:0 <- add:0 <- Placeholder:0", e.Message);
        Assert.Contains("new FeedDict { [Placeholder] = value }", e.Message);
    }

    [Fact]
    public void An_uninitialized_error_from_a_parameter_server_gets_the_same_hint_from_the_clients_graph()
    {
        using var scope = _graph.AsDefault();
        _ = TF.GetVariable("w", [2], initializer: TF.ZerosInitializer());
        var remote = new FailedPreconditionException("Attempting to use uninitialized value w: parameter server /job:ps/task:0 restarted and lost its state");
        var taught = ActorGraph.Execution.Errors.WithGraphHints(_graph, remote);
        Assert.StartsWith(remote.Message, taught.Message);
        Assert.Contains("'w/Assign' (w.Initializer)", taught.Message);
        Assert.Same(taught, ActorGraph.Execution.Errors.WithGraphHints(_graph, taught));
        var other = new InvalidArgumentException("You must feed a value for placeholder tensor 'x' with dtype float");
        Assert.Same(other, ActorGraph.Execution.Errors.WithGraphHints(_graph, other));
    }

    [Fact]
    public void A_wrong_shape_feed_shows_both_shapes()
    {
        using var scope = _graph.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2]);
        var sess = new LocalExecutor(_graph);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(x * 2f, new FeedDict { [x] = new[] { 1f, 2f, 3f } }));
        Assert.StartsWith("Cannot feed value of shape (3,) for Tensor 'Placeholder:0', which has shape '(2,)'", e.Message);
    }

    [Fact]
    public void A_single_example_fed_where_a_batch_is_expected_is_told_about_the_batch_dimension()
    {
        using var scope = _graph.AsDefault();
        var images = TF.Placeholder(DType.Float32, [-1, 4]);
        var sess = new LocalExecutor(_graph);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(images * 2f, new FeedDict { [images] = new[] { 1f, 2f, 3f, 4f } }));
        Assert.Contains("which has shape '(?, 4)'", e.Message);
        Assert.Contains("feed it with shape (1, 4)", e.Message);
    }
}
