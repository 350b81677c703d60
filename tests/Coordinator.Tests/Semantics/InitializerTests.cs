using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// Variables get their first value only when an initializer runs in a session.
public class InitializerTests
{
    [Fact]
    public void An_initializer_alone_does_not_initialize()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var count = TF.GetVariable("count", [], initializer: TF.ConstantInitializer(0));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        var ex = Assert.Throws<FailedPreconditionException>(() => sess.Run([count]));
        Assert.StartsWith("Attempting to use uninitialized value count", ex.Message);
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(0f, sess.Run(count).ToScalar<float>());
    }

    [Fact]
    public void The_global_initializer_covers_only_the_variables_that_exist_when_it_is_made()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var early = TF.GetVariable("early", [], initializer: TF.OnesInitializer());
        var init = TF.GlobalVariablesInitializer();
        var late = TF.GetVariable("late", [], initializer: TF.OnesInitializer());
        Assert.Equal("init", init.Name);
        Assert.Equal([early.Initializer], init.ControlInputs);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(init);
        Assert.Equal(1f, sess.Run(early).ToScalar<float>());
        var ex = Assert.Throws<FailedPreconditionException>(() => sess.Run(late));
        Assert.StartsWith("Attempting to use uninitialized value late", ex.Message);
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal(1f, sess.Run(late).ToScalar<float>());
    }

    [Fact]
    public void A_global_initializer_with_no_variables_is_a_no_op_that_runs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var init = TF.GlobalVariablesInitializer();
        Assert.Equal("NoOp", init.Type);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(init);
    }

    [Fact]
    public void A_variables_initializer_initializes_only_its_list()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.GetVariable("a", [], initializer: TF.ConstantInitializer(2));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(3));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(TF.VariablesInitializer([b]));
        Assert.Equal(3f, sess.Run(b).ToScalar<float>());
        Assert.Throws<FailedPreconditionException>(() => sess.Run(a));
    }

    [Fact]
    public void A_second_variable_of_the_same_name_is_refused()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        TF.GetVariable("count", []);
        var ex = Assert.Throws<ArgumentException>(() => TF.GetVariable("count", []));
        Assert.Contains("Variable count already exists", ex.Message);
        using (TF.NameScope("other"))
            Assert.Throws<ArgumentException>(() => TF.GetVariable("count", [3]));
    }

    [Fact]
    public void The_default_initializer_is_Glorot_uniform()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [30, 80]);
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(TF.GlobalVariablesInitializer());
        var values = sess.Run(w).ToArray<float>();
        double limit = Math.Sqrt(6.0 / (30 + 80));
        Assert.All(values, v => Assert.InRange(v, -limit, limit));
        Assert.True(values.Max() > limit * 0.9 && values.Min() < -limit * 0.9, "the values should spread over the whole range");
    }

    [Fact]
    public void Seeded_initializers_draw_the_same_values_in_every_session()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Variable[] vars =
        [
            TF.GetVariable("glorot", [4, 5], initializer: TF.GlorotUniformInitializer(seed: 7)),
            TF.GetVariable("normal", [10], initializer: TF.RandomNormalInitializer(seed: 7)),
            TF.GetVariable("uniform", [10], initializer: TF.RandomUniformInitializer(-2, 2, seed: 7)),
        ];
        var init = TF.GlobalVariablesInitializer();
        float[][] Draw()
        {
            using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
            sess.Run(init);
            return sess.Run([.. vars.Select(v => (Fetch)v)]).Select(v => v!.ToArray<float>()).ToArray();
        }
        var first = Draw();
        var second = Draw();
        Assert.Equal(first, second);
        Assert.NotEqual(first[1], first[2]);
    }

    [Fact]
    public void Unseeded_initializers_differ_between_variables()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.GetVariable("a", [10], initializer: TF.RandomUniformInitializer());
        var b = TF.GetVariable("b", [10], initializer: TF.RandomUniformInitializer());
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.NotEqual(sess.Run(a).ToArray<float>(), sess.Run(b).ToArray<float>());
    }

    [Fact]
    public void Random_initializers_draw_from_their_distribution()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var normal = TF.GetVariable("normal", [4000], DType.Float64, TF.RandomNormalInitializer(mean: 3, stddev: 2, seed: 1));
        var uniform = TF.GetVariable("uniform", [4000], DType.Float64, TF.RandomUniformInitializer(-1, 5, seed: 1));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(TF.GlobalVariablesInitializer());
        var n = sess.Run(normal).ToArray<double>();
        double mean = n.Average(), std = Math.Sqrt(n.Select(x => (x - mean) * (x - mean)).Average());
        Assert.InRange(mean, 2.85, 3.15);
        Assert.InRange(std, 1.85, 2.15);
        var u = sess.Run(uniform).ToArray<double>();
        Assert.All(u, x => Assert.InRange(x, -1, 5));
        Assert.InRange(u.Average(), 1.85, 2.15);
    }

    [Fact]
    public void Constant_ones_and_zeros_initializers_fill_the_variable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var c = TF.GetVariable("c", [2, 2], initializer: TF.ConstantInitializer(2.5));
        var ones = TF.GetVariable("ones", [3], DType.Float64, TF.OnesInitializer());
        var zeros = TF.GetVariable("zeros", [2], DType.Int64, TF.ZerosInitializer());
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(TF.GlobalVariablesInitializer());
        Assert.Equal([2.5f, 2.5f, 2.5f, 2.5f], sess.Run(c).ToArray<float>());
        Assert.Equal(new Shape(2, 2), sess.Run(c).Shape);
        Assert.Equal([1.0, 1.0, 1.0], sess.Run(ones).ToArray<double>());
        Assert.Equal([0L, 0L], sess.Run(zeros).ToArray<long>());
    }

    [Fact]
    public void Running_an_initializer_again_resets_the_variable()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.ZerosInitializer());
        var inc = TF.AssignAdd(v, TF.Constant(1f));
        using var sess = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        sess.Run(v.Initializer);
        sess.Run(inc);
        Assert.Equal(1f, sess.Run(v).ToScalar<float>());
        sess.Run(v.Initializer);
        Assert.Equal(0f, sess.Run(v).ToScalar<float>());
    }

    [Fact]
    public void Variables_live_in_the_session_not_the_graph()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.GetVariable("v", [], initializer: TF.OnesInitializer());
        using var first = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        using var second = new Session(g, new SessionOptions { PrintOutput = new StringWriter() });
        first.Run(v.Initializer);
        Assert.Equal(1f, first.Run(v).ToScalar<float>());
        Assert.Throws<FailedPreconditionException>(() => second.Run(v));
    }
}
