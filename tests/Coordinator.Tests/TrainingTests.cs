using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Training through the actors gives the same numbers as the executor alone, bit for bit.
public class TrainingTests() : TestKit(TestConfig.Actors)
{
    [Fact]
    public void The_seeds_linear_regression_learns_m_and_b_within_a_thousandth()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var (m, b, x, y, loss, train) = LinearRegression();
        using var sess = new Session(g);
        sess.Run(m.Initializer);
        sess.Run(b.Initializer);
        var rng = new Random(1);
        float trueM = rng.NextSingle(), trueB = rng.NextSingle();
        for (int i = 0; i < 100_000; i++)
        {
            float input = rng.NextSingle();
            var r = sess.Run([loss, train], new FeedDict { [x] = input, [y] = trueM * input + trueB });
            Assert.Null(r[1]);
        }
        var learned = sess.Run([m, b]);
        Assert.InRange(Math.Abs(learned[0]!.ToScalar<float>() - trueM), 0, 1e-3);
        Assert.InRange(Math.Abs(learned[1]!.ToScalar<float>() - trueB), 0, 1e-3);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(4, 3)]
    public void The_linear_regression_matches_the_executor_alone(int workers, int ps)
    {
        var expected = TrainLinear(new SessionOptions { ExecutorOnly = true }, steps: 300);
        var actual = TrainLinear(new SessionOptions { Workers = workers, ParameterServers = ps, ActorSystem = Sys }, steps: 300);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData("momentum", 1, 1)]
    [InlineData("momentum", 3, 2)]
    [InlineData("adam", 2, 3)]
    [InlineData("adam", 4, 2)]
    public void A_model_of_several_variables_trains_to_the_executors_numbers(string optimizer, int workers, int ps)
    {
        var expected = TrainModel(optimizer, new SessionOptions { ExecutorOnly = true });
        var actual = TrainModel(optimizer, new SessionOptions { Workers = workers, ParameterServers = ps, ActorSystem = Sys });
        Assert.Equal(expected, actual);
    }

    private static (Variable, Variable, Tensor, Tensor, Tensor, Operation) LinearRegression()
    {
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var loss = TF.Square(y - (m * x + b));
        return (m, b, x, y, loss, new GradientDescentOptimizer(1e-2).Minimize(loss));
    }

    private static float[] TrainLinear(SessionOptions options, int steps)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var (m, b, x, y, loss, train) = LinearRegression();
        var init = TF.GlobalVariablesInitializer();
        using var sess = new Session(g, options);
        sess.Run(init);
        var rng = new Random(7);
        var losses = new List<float>();
        for (int i = 0; i < steps; i++)
        {
            float input = rng.NextSingle();
            losses.Add(sess.Run([loss, train], new FeedDict { [x] = input, [y] = 0.25f * input + 0.5f })[0]!.ToScalar<float>());
        }
        var learned = sess.Run([m, b]);
        return [.. losses, learned[0]!.ToScalar<float>(), learned[1]!.ToScalar<float>()];
    }

    // Two layers of element-wise "neurons" over vectors: y = sum(w2 * tanh-free square(w1 * x + b1)) + b2,
    // a model of four vector variables and their optimizer slots, placed over several shards.
    private static float[] TrainModel(string optimizer, SessionOptions options)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w1 = TF.GetVariable("w1", [4], initializer: TF.RandomUniformInitializer(-1, 1, seed: 1));
        var b1 = TF.GetVariable("b1", [4], initializer: TF.ZerosInitializer());
        var w2 = TF.GetVariable("w2", [4], initializer: TF.RandomUniformInitializer(-1, 1, seed: 2));
        var b2 = TF.GetVariable("b2", [4], initializer: TF.ZerosInitializer());
        var x = TF.Placeholder(DType.Float32, [4]);
        var y = TF.Placeholder(DType.Float32, [4]);
        var hidden = TF.Square(w1 * x + b1);
        var output = w2 * hidden + b2;
        var loss = TF.Square(output - y);
        Optimizer opt = optimizer == "adam" ? new AdamOptimizer(0.01) : new MomentumOptimizer(0.01, 0.9);
        var train = opt.Minimize(loss);
        var init = TF.GlobalVariablesInitializer();
        using var sess = new Session(g, options);
        sess.Run(init);
        var rng = new Random(3);
        var trace = new List<float>();
        for (int i = 0; i < 60; i++)
        {
            var xs = new float[4];
            for (int k = 0; k < 4; k++) xs[k] = rng.NextSingle();
            var ys = xs.Select(v => 0.5f * v * v + 0.1f).ToArray();
            trace.AddRange(sess.Run([loss, train], new FeedDict { [x] = xs, [y] = ys })[0]!.ToArray<float>());
        }
        foreach (var v in sess.Run([w1, b1, w2, b2])) trace.AddRange(v!.ToArray<float>());
        return trace.ToArray();
    }
}
