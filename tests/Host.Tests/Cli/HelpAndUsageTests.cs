namespace ActorGraph.Host.Tests.Cli;

public class HelpAndUsageTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("demo", "--help")]
    [InlineData("train", "--help")]
    [InlineData("train", "fashion-mnist", "--help")]
    [InlineData("graph", "--help")]
    [InlineData("checkpoints", "--help")]
    [InlineData("checkpoints", "list", "--help")]
    [InlineData("checkpoints", "show", "--help")]
    [InlineData("checkpoints", "delete", "--help")]
    [InlineData("train-demo", "--help")]
    public void Every_command_answers_help_with_usage_and_exit_0(params string[] args)
    {
        var r = ActorGraphProcess.Run(args);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Usage:", r.Out);
        Assert.Contains("actorgraph", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void The_root_help_lists_the_commands()
    {
        var r = ActorGraphProcess.Run("--help");
        foreach (var command in new[] { "demo", "train", "graph", "checkpoints", "train-demo" }) Assert.Contains(command, r.Out);
    }

    [Fact]
    public void The_train_help_shows_every_option_of_the_issue()
    {
        var r = ActorGraphProcess.Run("train", "fashion-mnist", "--help");
        foreach (var option in new[] { "--epochs", "--batch", "--store", "--checkpoint-every", "--resume", "--cluster", "--data", "--plot", "--limit", "--workers", "--ps" })
            Assert.Contains(option, r.Out);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("demo", "--steps", "0")]
    [InlineData("demo", "--steps", "many")]
    [InlineData("demo", "--no-such-option")]
    [InlineData("train")]
    [InlineData("train", "mnist-of-dreams")]
    [InlineData("train", "fashion-mnist", "--epochs", "-1")]
    [InlineData("train", "fashion-mnist", "--optimizer", "lbfgs")]
    [InlineData("graph", "--example", "no-such-example")]
    public void A_usage_error_exits_2_and_says_where_the_help_is(params string[] args)
    {
        var r = ActorGraphProcess.Run(args);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("error:", r.Err);
        Assert.Contains("--help", r.Err);
    }

    [Fact]
    public void No_command_at_all_shows_the_help_and_exits_2()
    {
        var r = ActorGraphProcess.Run();
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("Commands:", r.Err);
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("train", "fashion-mnist")]
    public void A_cluster_address_that_is_not_one_is_refused_clearly_with_exit_1(params string[] args)
    {
        var r = ActorGraphProcess.Run([.. args, "--cluster", "127.0.0.1:4053"]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("akka.tcp://actorgraph@127.0.0.1:4053", r.Err);
    }
}
