using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// TF.Divide and `/` are TensorFlow 1's tf.divide (Python's true division): integers divide as float64.
public class DivisionTests
{
    [Fact]
    public void Integers_divide_truly_into_float64_as_in_tensorflow()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var seven = TF.Constant(7);
        var q = seven / TF.Constant(2);
        var longs = TF.Divide(TF.Constant(new long[] { 9, -9 }), TF.Constant(new long[] { 4, 4 }));
        Assert.Equal(DType.Float64, q.DType);
        using var sess = new Session(g);
        Assert.Equal(3.5, sess.Run(q).ToScalar<double>());
        Assert.Equal([2.25, -2.25], sess.Run(longs).ToArray<double>());
    }

    [Fact]
    public void An_integer_division_by_zero_gives_infinity_and_nan_as_tensorflow_does()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Int32);
        var q = TF.Divide(TF.Constant(new[] { 6, -6, 0 }), x);
        using var sess = new Session(g);
        var values = sess.Run(q, new FeedDict { [x] = 0 }).ToArray<double>();
        Assert.Equal([double.PositiveInfinity, double.NegativeInfinity], values[..2]);
        Assert.True(double.IsNaN(values[2]));
        Assert.Equal([3.0, -3.0, 0.0], sess.Run(q, new FeedDict { [x] = 2 }).ToArray<double>());
    }

    [Fact]
    public void Floats_keep_their_dtype_and_mixed_dtypes_are_refused()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Assert.Equal(DType.Float32, (TF.Constant(1f) / TF.Constant(4f)).DType);
        var e = Assert.Throws<ArgumentException>(() => TF.Constant(1) / TF.Constant(2f));
        Assert.Contains("use TF.Cast", e.Message);
    }
}
