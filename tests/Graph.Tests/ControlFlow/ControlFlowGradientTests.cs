using ActorGraph.GraphTests.Execution;
using ActorGraph.Training;
using Xunit;

namespace ActorGraph.GraphTests.ControlFlow;

// Gradients through Cond and WhileLoop against central finite differences, after TensorFlow 1's
// control_flow_ops_py_test.py (testCondGrad_1, testWhileGrad_Square, testWhileGradInCond, …).
public class ControlFlowGradientTests
{
    // The gradient of y with respect to the scalar placeholder x at `at`, built and by finite differences.
    private static (double Built, double Numeric) Check(Func<Tensor, Tensor> f, double at)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float64, Shape.Scalar);
        var y = f(x);
        var dx = TF.Gradients(y, [x])[0]!;
        var run = new LocalExecutor(g);
        double Value(double v) => run.Run(y, new FeedDict { [x] = NDArray.Scalar(v) }).ToScalar<double>();
        const double h = 1e-5;
        return (run.Run(dx, new FeedDict { [x] = NDArray.Scalar(at) }).ToScalar<double>(), (Value(at + h) - Value(at - h)) / (2 * h));
    }

    private static Tensor C(double v) => TF.Constant(NDArray.Scalar(v));

    // testCondGrad_1: each branch's gradient where it is taken.
    [Theory]
    [InlineData(2.0, 12.0)]
    [InlineData(-1.5, -2.0)]
    public void The_gradient_of_a_cond_is_the_taken_branchs(double at, double expected)
    {
        var (built, numeric) = Check(x => TF.Cond(TF.Greater(x, C(0)), () => x * x * C(3), () => x * C(-2)), at);
        Assert.Equal(expected, built, 6);
        Assert.Equal(numeric, built, 4);
    }

    // testWhileGrad_Square analogue: x^n by a loop, d/dx = n x^(n-1).
    [Fact]
    public void The_gradient_of_x_to_the_n_by_a_loop()
    {
        var (built, numeric) = Check(x => TF.WhileLoop(v => TF.Less(v[0], TF.Constant(4)), v => [v[0] + TF.Constant(1), v[1] * x], [TF.Constant(0), C(1)])[1], 1.5);
        Assert.Equal(4 * 1.5 * 1.5 * 1.5, built, 6);
        Assert.Equal(numeric, built, 4);
    }

    // testWhileGrad_Mul analogue: the loop variable itself differentiated, squared three times (x^8).
    [Fact]
    public void The_gradient_with_respect_to_a_loop_variables_start()
    {
        var (built, numeric) = Check(x => TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)), v => [v[0] + TF.Constant(1), v[1] * v[1]], [TF.Constant(0), x])[1], 1.1);
        Assert.Equal(8 * Math.Pow(1.1, 7), built, 6);
        Assert.Equal(numeric, built, 4);
    }

    // testWhileGradInCond / testCondGradInWhile analogues: a cond inside a loop body, a loop inside a branch.
    [Theory]
    [InlineData(0.7)]
    [InlineData(-0.4)]
    public void Gradients_through_nested_loops_and_conds(double at)
    {
        var (built, numeric) = Check(x => TF.WhileLoop(v => TF.Less(v[0], TF.Constant(3)),
            v => [v[0] + TF.Constant(1), TF.Cond(TF.Greater(v[1], C(0)), () => v[1] * x + C(1), () => v[1] - x * x)], [TF.Constant(0), x])[1], at);
        Assert.Equal(numeric, built, 4);
        var (built2, numeric2) = Check(x => TF.Cond(TF.Greater(x, C(0)),
            () => TF.WhileLoop(v => TF.Less(v[0], TF.Constant(2)), v => [v[0] + TF.Constant(1), TF.Tanh(v[1] * x)], [TF.Constant(0), x])[1],
            () => x * x), at);
        Assert.Equal(numeric2, built2, 4);
    }

    // An optimizer trains through a loop (a 5-step linear recurrence) and through a cond.
    [Fact]
    public void An_optimizer_trains_through_a_loop_and_a_cond()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", Shape.Scalar, DType.Float64, TF.ConstantInitializer(0.5));
        var flag = TF.Placeholder(DType.Bool, Shape.Scalar);
        var h = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(5)), v => [v[0] + TF.Constant(1), v[1] * w + C(1)], [TF.Constant(0), C(0)])[1];
        var outputValue = TF.Cond(flag, () => h, () => h * C(2));
        var loss = TF.Square(outputValue - C(3));
        var train = new GradientDescentOptimizer(0.01).Minimize(loss);
        var run = new LocalExecutor(g);
        run.Run(TF.GlobalVariablesInitializer());
        var feed = new FeedDict { [flag] = true };
        double first = run.Run(loss, feed).ToScalar<double>();
        for (int i = 0; i < 200; i++) run.Run(train, feed);
        Assert.True(run.Run(loss, feed).ToScalar<double>() < first / 100, "the loss through the loop fell a hundredfold");
        feed = new FeedDict { [flag] = false };
        for (int i = 0; i < 200; i++) run.Run(train, feed);
        Assert.True(run.Run(loss, feed).ToScalar<double>() < 1e-4, "the loss through the other branch reaches zero");
    }
}
