using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// The seed's first program (API.md) through the actors, in a system that serializes every message.
public class SeedProgramTests() : TestKit(TestConfig.Actors)
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    [InlineData(4, 3)]
    public void The_seed_program_gives_the_seeds_outputs_on_any_number_of_workers_and_parameter_servers(int workers, int ps)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        var printed = new StringWriter();
        using var sess = new Session(g, new SessionOptions { Workers = workers, ParameterServers = ps, PrintOutput = printed, ActorSystem = Sys });
        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
        var both = sess.Run([two, sum]);
        Assert.Equal((2, 5), (both[0]!.ToScalar<int>(), both[1]!.ToScalar<int>()));

        var input = TF.Placeholder(DType.Int32);
        var missing = Assert.Throws<InvalidArgumentException>(() => sess.Run(input));
        Assert.StartsWith("You must feed a value for placeholder tensor 'Placeholder' with dtype int32", missing.Message);
        Assert.Equal(2, sess.Run(input, new FeedDict { [input] = 2 }).ToScalar<int>());
        var sum2 = input + three;
        Assert.Equal(3, sess.Run(three).ToScalar<int>());
        Assert.Throws<InvalidArgumentException>(() => sess.Run(sum2));
        Assert.Equal(7, sess.Run(sum2, new FeedDict { [input] = 4 }).ToScalar<int>());

        var count = TF.GetVariable("count", []);
        var uninitialized = Assert.Throws<FailedPreconditionException>(() => sess.Run(count));
        Assert.StartsWith("Attempting to use uninitialized value count", uninitialized.Message);
        var assign = TF.Assign(count, TF.Constant(0f));
        Assert.Equal(0f, sess.Run(assign).ToScalar<float>());
        Assert.Equal(0f, sess.Run(count).ToScalar<float>());

        var c2 = TF.GetVariable("count2", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        sess.Run(init);
        Assert.Equal(0f, sess.Run(c2).ToScalar<float>());

        var printSum = TF.Print(sum, [two, three]);
        Assert.Equal(5, sess.Run(printSum).ToScalar<int>());
        Assert.Equal("[2][3]" + Environment.NewLine, printed.ToString());
        TF.Print(two, [two, three, sum]);
        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
        Assert.Equal("[2][3]" + Environment.NewLine, printed.ToString());
    }

    [Fact]
    public void A_fetch_that_is_fed_is_answered_by_its_feed()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var a = TF.Constant(1f);
        var b = a * 3f;
        var c = b + 1f;
        using var sess = new Session(g, new SessionOptions { Workers = 2, ActorSystem = Sys });
        var r = sess.Run([b, c], new FeedDict { [b] = 10f });
        Assert.Equal((10f, 11f), (r[0]!.ToScalar<float>(), r[1]!.ToScalar<float>()));
    }
}
