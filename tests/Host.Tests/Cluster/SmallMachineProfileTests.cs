using System.Text.RegularExpressions;
using ActorGraph.Host.Tests.Cli;

namespace ActorGraph.Host.Tests.Cluster;

// The small-machine profile is written twice, for a shell and for Kubernetes: both say the same.
public partial class SmallMachineProfileTests
{
    [Fact]
    public void The_kubernetes_config_map_holds_exactly_the_settings_of_small_machine_env()
    {
        var deploy = Path.Combine(ActorGraphProcess.Root, "deploy");
        var shell = File.ReadAllLines(Path.Combine(deploy, "small-machine.env")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        var configMap = ConfigMapEntry().Matches(File.ReadAllText(Path.Combine(deploy, "kubernetes", "small-machine.yaml")))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
        Assert.Equal(["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "DOTNET_TieredPGO", "DOTNET_gcConcurrent"], shell.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(shell.OrderBy(kv => kv.Key, StringComparer.Ordinal), configMap.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        foreach (var manifest in new[] { "coordinator.yaml", "worker.yaml", "ps.yaml" })
            Assert.Contains("configMapRef: { name: actorgraph-small-machine, optional: true }", File.ReadAllText(Path.Combine(deploy, "kubernetes", manifest)));
    }

    [GeneratedRegex(@"^\s+(?<name>DOTNET_\w+): ""(?<value>[^""]*)""", RegexOptions.Multiline)]
    private static partial Regex ConfigMapEntry();
}
