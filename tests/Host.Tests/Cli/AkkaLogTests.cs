using System.Text.RegularExpressions;

namespace ActorGraph.Host.Tests.Cli;

// Akka's own log lines go through the CLI's logger: none by default (warnings only), INFO under --verbose.
public class AkkaLogTests
{
    [Fact]
    public void The_demo_shows_no_Akka_lines_by_default_and_Akkas_info_lines_under_verbose()
    {
        var quiet = ActorGraphProcess.Run("demo", "--steps", "10");
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.DoesNotContain("Akka", quiet.Out + quiet.Err);

        var verbose = ActorGraphProcess.Run("demo", "--steps", "10", "--verbose");
        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        // The logger's own format: time, level, category (the Akka class), the source in brackets.
        Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d\.\d{3} info: Akka\.Actor\.CoordinatedShutdown\[0\] \[CoordinatedShutdown \(akka://actorgraph-local-1\)\] CoordinatedShutdown invoked", RegexOptions.Multiline), verbose.Err);
        // Not Akka's own stdout format.
        Assert.DoesNotContain("[DEBUG][", verbose.Out + verbose.Err);
        Assert.DoesNotContain("[INFO][", verbose.Out + verbose.Err);
    }
}
