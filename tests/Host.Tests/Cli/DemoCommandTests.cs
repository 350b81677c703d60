using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorGraph.Host.Tests.Cli;

public partial class DemoCommandTests
{
    [Fact]
    public void The_demo_learns_m_and_b_of_the_seed_in_its_default_100000_steps()
    {
        var r = ActorGraphProcess.Run("demo");
        Assert.True(r.ExitCode == 0, r.ToString());
        var truth = Parameters().Match(r.Out.Split('\n').Single(l => l.StartsWith("True parameters:")));
        var learned = Parameters().Match(r.Out.Split('\n').Single(l => l.StartsWith("Learned parameters:")));
        Assert.True(truth.Success && learned.Success, r.ToString());
        foreach (var g in new[] { "m", "b" })
            Assert.InRange(Math.Abs(Value(truth, g) - Value(learned, g)), 0, 1e-3);
        Assert.Contains("100000 steps in", r.Out);
    }

    [Fact]
    public void Without_a_terminal_the_progress_is_plain_lines_with_loss_and_steps_per_second()
    {
        var r = ActorGraphProcess.Run("demo", "--steps", "5000");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("\u001b[", r.Out);
        var progress = r.Out.Split('\n').Where(l => l.StartsWith("training ")).ToList();
        Assert.InRange(progress.Count, 2, 12);
        Assert.All(progress, l => Assert.Matches(@"^training \d+/5000  loss \S+  [\d,]+ steps/s", l));
        Assert.StartsWith("training 5000/5000", progress[^1]);
    }

    [Fact]
    public void The_demo_is_quiet_on_standard_error_unless_verbose()
    {
        var quiet = ActorGraphProcess.Run("demo", "--steps", "100");
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Equal("", quiet.Err);
        var verbose = ActorGraphProcess.Run("demo", "--steps", "100", "--verbose");
        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        Assert.Contains("Built the graph", verbose.Err);
    }

    [Fact]
    public void Workers_and_parameter_servers_are_options_of_the_demo()
    {
        var r = ActorGraphProcess.Run("demo", "--steps", "1000", "--workers", "2", "--ps", "2");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("2 worker(s), 2 parameter server(s)", r.Out);
    }

    [Fact]
    public void The_demo_ends_with_a_checkpoint_in_actorgraph_db_that_the_checkpoints_command_lists()
    {
        var dir = TempDir.Create();
        var r = ActorGraphProcess.RunIn(dir, null, "demo", "--steps", "200");
        Assert.True(r.ExitCode == 0, r.ToString());
        var id = Regex.Match(r.Out, @"Checkpoint (ckpt-\S+) written to SQLite file").Groups[1].Value;
        Assert.True(id.Length > 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(dir, "actorgraph.db")));
        var list = ActorGraphProcess.RunIn(dir, null, "checkpoints", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(id, list.Out);

        var none = TempDir.Create();
        var quiet = ActorGraphProcess.RunIn(none, null, "demo", "--steps", "200", "--no-checkpoint");
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.DoesNotContain("Checkpoint", quiet.Out);
        Assert.False(File.Exists(Path.Combine(none, "actorgraph.db")));
    }

    [Fact]
    public void A_secret_or_a_certificate_without_a_cluster_is_a_usage_error_and_a_password_needs_its_certificate()
    {
        var secret = ActorGraphProcess.Run("demo", "--steps", "10", "--secret", "s3cret");
        Assert.True(secret.ExitCode == 2, secret.ToString());
        Assert.Contains("--secret is for a cluster: add --cluster ADDR", secret.Err);
        var certificate = ActorGraphProcess.Run("train", "fashion-mnist", "--tls-cert", "cluster.pfx");
        Assert.True(certificate.ExitCode == 2, certificate.ToString());
        Assert.Contains("--tls-cert is for a cluster", certificate.Err);
        var password = ActorGraphProcess.Run("cluster", "status", "--cluster", "akka.tcp://actorgraph@127.0.0.1:1", "--tls-password", "pw");
        Assert.True(password.ExitCode == 2, password.ToString());
        Assert.Contains("--tls-password is the password of --tls-cert", password.Err);
        // From the environment, as a deployment sets it for every process, a secret is no mistake in local mode.
        var local = ActorGraphProcess.RunIn(TempDir.Create(), new Dictionary<string, string> { ["ACTORGRAPH_SECRET"] = "s3cret" }, "demo", "--steps", "10", "--no-checkpoint");
        Assert.True(local.ExitCode == 0, local.ToString());
    }

    private static double Value(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"m=(?<m>-?\d+\.\d+), b=(?<b>-?\d+\.\d+)")]
    private static partial Regex Parameters();
}
