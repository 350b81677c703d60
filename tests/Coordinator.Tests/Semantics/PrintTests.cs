using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

// tf.Print as the seed shows it: a side effect that happens only on the computation path.
public class PrintTests
{
    [Fact]
    public void A_print_on_the_path_writes_its_data_as_one_line_and_passes_its_input_on()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        var printSum = TF.Print(sum, [two, three]);
        var writer = new StringWriter();
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        Assert.Equal(5, sess.Run(printSum).ToScalar<int>());
        Assert.Equal("[2][3]" + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void A_print_off_the_path_prints_nothing_even_though_its_input_is_computed()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var two = TF.Constant(2);
        var three = TF.Constant(3);
        var sum = two + three;
        _ = TF.Print(two, [two, three, sum]);
        var writer = new StringWriter();
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        Assert.Equal(5, sess.Run(sum).ToScalar<int>());
        Assert.Equal("", writer.ToString());
    }

    [Fact]
    public void A_print_prints_every_time_it_runs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Int32);
        var printed = TF.Print(x, [x]);
        var writer = new StringWriter();
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        for (int i = 1; i <= 3; i++) sess.Run(printed, new FeedDict { [x] = i });
        Assert.Equal(["[1]", "[2]", "[3]"], writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Arrays_print_as_NumPy_prints_them_after_the_message()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var v = TF.Constant(new[] { 1, 2, 3 });
        var half = TF.Constant(0.5f);
        var printed = TF.Print(v, [v, half], "values: ");
        var writer = new StringWriter();
        using var sess = new Session(g, new SessionOptions { PrintOutput = writer });
        Assert.Equal([1, 2, 3], sess.Run(printed).ToArray<int>());
        Assert.Equal("values: [1 2 3][0.5]" + Environment.NewLine, writer.ToString());
    }

    [Fact]
    public void Each_session_prints_to_its_own_writer()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var printed = TF.Print(TF.Constant(1), [TF.Constant(7)]);
        StringWriter first = new(), second = new();
        using var one = new Session(g, new SessionOptions { PrintOutput = first });
        using var two = new Session(g, new SessionOptions { PrintOutput = second });
        one.Run(printed);
        Assert.Equal("[7]" + Environment.NewLine, first.ToString());
        Assert.Equal("", second.ToString());
    }
}
