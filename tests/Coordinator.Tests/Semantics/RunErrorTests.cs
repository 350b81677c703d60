using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// The run-time errors of API.md with TensorFlow's text; after each the session runs on.
public class RunErrorTests
{
    [Theory]
    [InlineData(DType.Float32, "float")]
    [InlineData(DType.Float64, "double")]
    [InlineData(DType.Int32, "int32")]
    [InlineData(DType.Int64, "int64")]
    [InlineData(DType.Bool, "bool")]
    public void An_unfed_placeholder_names_its_dtype_as_TensorFlow_kernels_do(DType dtype, string name)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(dtype);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(x));
        Assert.StartsWith($"You must feed a value for placeholder tensor 'Placeholder' with dtype {name}", ex.Message);
        Assert.DoesNotContain(" and shape", ex.Message);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, " and shape [2,3]")]
    [InlineData(new[] { -1, 3 }, " and shape [?,3]")]
    [InlineData(new int[0], "")]
    public void An_unfed_placeholder_of_known_rank_names_its_shape(int[] dims, string suffix)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, new Shape(dims));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(x));
        Assert.Equal($"You must feed a value for placeholder tensor 'Placeholder' with dtype float{suffix}", ex.Message.Split('\n')[0]);
    }

    [Fact]
    public void An_unfed_placeholder_error_names_the_fetch_that_needs_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2]);
        var y = TF.Placeholder(DType.Float32, name: "y");
        var loss = TF.Square(x * 2f);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run([loss, y], new FeedDict { [y] = 1f }));
        Assert.StartsWith("You must feed a value for placeholder tensor 'Placeholder' with dtype float and shape [2]", ex.Message);
        Assert.Contains("'Square:0'", ex.Message);
        Assert.Equal(4f, sess.Run(loss, new FeedDict { [x] = new[] { 1f, 1f } }).ToArray<float>()[0]);
    }

    [Fact]
    public void A_variable_read_before_initialization_fails_and_the_session_runs_on()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", []);
        var doubled = count * 2f;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.StartsWith("Attempting to use uninitialized value count", Assert.Throws<FailedPreconditionException>(() => sess.Run(doubled)).Message);
        sess.Run(TF.Assign(count, TF.Constant(3f)));
        Assert.Equal(6f, sess.Run(doubled).ToScalar<float>());
    }

    [Fact]
    public void A_feed_of_the_wrong_shape_is_refused_with_TensorFlow_text()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [2]);
        var m = TF.Placeholder(DType.Float32, [-1, 2]);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(x, new FeedDict { [x] = new[] { 1f, 2f, 3f } }));
        Assert.Equal("Cannot feed value of shape (3,) for Tensor 'Placeholder:0', which has shape '(2,)'", ex.Message);
        ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(m, new FeedDict { [m] = new float[,] { { 1, 2, 3 } } }));
        Assert.Equal("Cannot feed value of shape (1, 3) for Tensor 'Placeholder_1:0', which has shape '(?, 2)'", ex.Message);
        Assert.Equal(new Shape(3, 2), sess.Run(m, new FeedDict { [m] = new float[3, 2] }).Shape);
    }

    [Fact]
    public void A_constant_fed_with_another_shape_is_refused()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var some = TF.Constant(new[] { 2f, 2f, 2f, 2f });
        var doubled = some * 2f;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(doubled, new FeedDict { [some] = new[] { 1f, 2f, 3f } }));
        Assert.StartsWith("Cannot feed value of shape", ex.Message);
    }

    [Fact]
    public void Integer_feeds_convert_into_float_tensors()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var f = TF.Placeholder(DType.Float32);
        var d = TF.Placeholder(DType.Float64);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var r = sess.Run([f, d], new FeedDict { [f] = 2, [d] = new[] { 1, 2 } });
        Assert.Equal(DType.Float32, r[0]!.DType);
        Assert.Equal(2f, r[0]!.ToScalar<float>());
        Assert.Equal(DType.Float64, r[1]!.DType);
        Assert.Equal([1.0, 2.0], r[1]!.ToArray<double>());
    }

    [Theory]
    [InlineData(DType.Int32, "float32")]
    [InlineData(DType.Int64, "int32")]
    [InlineData(DType.Float32, "float64")]
    [InlineData(DType.Float32, "bool")]
    [InlineData(DType.Bool, "int32")]
    public void A_feed_of_another_dtype_is_refused_naming_both(DType tensorType, string valueType)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(tensorType);
        NDArray value = valueType switch { "float32" => 1.5f, "float64" => 1.5, "int32" => 1, _ => true };
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(x, new FeedDict { [x] = value }));
        Assert.Contains(valueType, ex.Message);
        Assert.Contains(tensorType.PythonName(), ex.Message);
        Assert.Contains("'Placeholder:0'", ex.Message);
    }

    [Fact]
    public void Fetches_feeds_and_targets_from_another_graph_are_refused()
    {
        var other = new Graph();
        Tensor foreign, foreignInput;
        using (other.AsDefault())
        {
            foreignInput = TF.Placeholder(DType.Int32);
            foreign = foreignInput + 1;
        }
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Int32);
        var y = x * 2;
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Contains("is not an element of this graph", Assert.Throws<InvalidArgumentException>(() => sess.Run(foreign)).Message);
        Assert.Contains("is not an element of this graph", Assert.Throws<InvalidArgumentException>(() => sess.Run(foreign.Op)).Message);
        var ex = Assert.Throws<InvalidArgumentException>(() => sess.Run(y, new FeedDict { [x] = 1, [foreignInput] = 2 }));
        Assert.Contains("is not an element of this graph", ex.Message);
        Assert.Equal(6, sess.Run(y, new FeedDict { [x] = 3 }).ToScalar<int>());
    }

    [Fact]
    public void A_disposed_session_refuses_to_run()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var c = TF.Constant(5f);
        var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        Assert.Equal(5f, sess.Run(c).ToScalar<float>());
        sess.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sess.Run(c));
        Assert.Throws<ObjectDisposedException>(() => sess.Run(c.Op));
        Assert.Throws<ObjectDisposedException>(() => sess.Run([c]));
        sess.Dispose();
    }

    [Fact]
    public void A_run_refused_for_its_feeds_changes_no_variable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ZerosInitializer());
        var inc = TF.AssignAdd(v, TF.Constant(1f));
        var x = TF.Placeholder(DType.Float32, [2]);
        var sum = x + 1f;
        Tensor foreign;
        using (new Graph().AsDefault()) foreign = TF.Placeholder(DType.Float32);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        Assert.Throws<InvalidArgumentException>(() => sess.Run([inc, sum]));
        Assert.Throws<InvalidArgumentException>(() => sess.Run([inc, sum], new FeedDict { [x] = new[] { 1f } }));
        Assert.Throws<InvalidArgumentException>(() => sess.Run([inc, sum], new FeedDict { [x] = new[] { true, false } }));
        Assert.Throws<InvalidArgumentException>(() => sess.Run([inc, sum], new FeedDict { [x] = new[] { 1f, 2f }, [foreign] = 1f }));
        Assert.Equal(0f, sess.Run(v).ToScalar<float>());
        sess.Run([inc, sum], new FeedDict { [x] = new[] { 1f, 2f } });
        Assert.Equal(1f, sess.Run(v).ToScalar<float>());
    }
}
