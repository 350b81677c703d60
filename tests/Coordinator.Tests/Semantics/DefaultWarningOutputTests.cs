using Xunit;

namespace ActorGraph.Coordinator.Tests.Semantics;

[CollectionDefinition(nameof(ConsoleError), DisableParallelization = true)]
public sealed class ConsoleError;

// Without a logger, a program still hears about its traps: a line on standard error.
[Collection(nameof(ConsoleError))]
public class DefaultWarningOutputTests
{
    [Fact]
    public void Without_a_logger_warnings_are_lines_on_standard_error_and_prints_stay_on_their_own_writer()
    {
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var two = TF.Constant(2);
        var sum = two + TF.Constant(3);
        _ = TF.Print(two, [two]);
        var printed = new StringWriter();
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            using var sess = new Session(graph, new SessionOptions { PrintOutput = printed });
            sess.Run(sum);
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.StartsWith("warning: Print 'Print' will not print", error.ToString());
        Assert.Equal("", printed.ToString());
    }
}
