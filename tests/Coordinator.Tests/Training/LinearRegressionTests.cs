using Xunit;

namespace ActorGraph.Coordinator.Tests.Training;

// The seed's training loop, with each optimizer: a scalar model y = m·x + b learned from samples.
public class LinearRegressionTests
{
    private static (float M, float B, float TrueM, float TrueB) Train(Func<Optimizer> optimizer, int steps, int seed = 1)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var loss = TF.Square(y - (m * x + b));
        var trainOp = optimizer().Minimize(loss);
        var init = TF.GlobalVariablesInitializer();
        using var sess = new Session(g);
        sess.Run(init);
        var rng = new Random(seed);
        float trueM = rng.NextSingle(), trueB = rng.NextSingle();
        for (int i = 0; i < steps; i++)
        {
            float input = rng.NextSingle();
            var r = sess.Run([loss, trainOp], new FeedDict { [x] = input, [y] = trueM * input + trueB });
            Assert.Null(r[1]);
        }
        var learned = sess.Run([m, b]);
        return (learned[0]!.ToScalar<float>(), learned[1]!.ToScalar<float>(), trueM, trueB);
    }

    [Fact]
    public void Gradient_descent_learns_m_and_b_within_a_thousandth_as_in_the_seed()
    {
        var (m, b, trueM, trueB) = Train(() => new GradientDescentOptimizer(1e-3), 100_000);
        Assert.InRange(Math.Abs(m - trueM), 0, 1e-3);
        Assert.InRange(Math.Abs(b - trueB), 0, 1e-3);
    }

    [Fact]
    public void Momentum_learns_m_and_b()
    {
        var (m, b, trueM, trueB) = Train(() => new MomentumOptimizer(1e-3, 0.9), 20_000);
        Assert.InRange(Math.Abs(m - trueM), 0, 1e-3);
        Assert.InRange(Math.Abs(b - trueB), 0, 1e-3);
    }

    [Fact]
    public void Adam_learns_m_and_b()
    {
        var (m, b, trueM, trueB) = Train(() => new AdamOptimizer(0.01), 20_000);
        Assert.InRange(Math.Abs(m - trueM), 0, 1e-2);
        Assert.InRange(Math.Abs(b - trueB), 0, 1e-2);
    }

    [Fact]
    public void One_gradient_descent_step_moves_each_variable_by_rate_times_gradient()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [], initializer: TF.ConstantInitializer(3));
        var loss = TF.Square(w);
        var train = new GradientDescentOptimizer(0.1).Minimize(loss);
        using var sess = new Session(g);
        sess.Run(TF.GlobalVariablesInitializer());
        sess.Run(train);
        // d(w²)/dw = 6 at w = 3: 3 − 0.1·6 = 2.4
        Assert.Equal(2.4f, sess.Run(w).ToScalar<float>(), 5);
    }

    [Fact]
    public void Adam_takes_the_first_step_as_tensorflow_does()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [], DType.Float64, TF.ConstantInitializer(1));
        var train = new AdamOptimizer(0.1).Minimize(TF.Square(w));
        using var sess = new Session(g);
        sess.Run(TF.GlobalVariablesInitializer());
        sess.Run(train);
        // TF: lr_t = lr·√(1−β2)/(1−β1); m = (1−β1)·g; v = (1−β2)·g²; w −= lr_t·m/(√v + ε)
        double grad = 2, lrT = 0.1 * Math.Sqrt(1 - 0.999) / (1 - 0.9);
        double mm = 0.1 * grad, vv = 0.001 * grad * grad;
        Assert.Equal(1 - lrT * mm / (Math.Sqrt(vv) + 1e-8), sess.Run(w).ToScalar<double>(), 12);
    }

    [Fact]
    public void Minimize_without_variables_on_the_path_explains_the_problem()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var c = TF.Constant(2f);
        var ex = Assert.Throws<ArgumentException>(() => new GradientDescentOptimizer(0.1).Minimize(TF.Square(c)));
        Assert.Contains("no trainable variables", ex.Message);
    }
}
