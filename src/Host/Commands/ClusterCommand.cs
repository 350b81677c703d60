using System.CommandLine;
using ActorGraph.Coordinator.Cluster;
using ActorGraph.Host.Cli;

namespace ActorGraph.Host.Commands;

// `actorgraph cluster status --cluster ADDR`: who serves the cluster; with --workers/--ps, waits
// until at least that many do (how deploy/start-local-cluster.sh knows the cluster is up).
internal static class ClusterCommand
{
    public static Command Create()
    {
        var cluster = new Command("cluster", "Look at a running cluster");
        var address = new Option<string>("--cluster") { Description = "Address of a node of the cluster", Required = true, HelpName = "ADDR" };
        var workers = new Option<int>("--workers") { Description = "Wait until at least N workers serve", HelpName = "N" };
        var ps = new Option<int>("--ps") { Description = "Wait until at least N parameter-server shards serve", HelpName = "N" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait", DefaultValueFactory = _ => 60, HelpName = "S" };
        var access = new ClusterAccessOptions();
        var status = new Command("status", "The coordinator, the workers by task, the parameter-server shards and the members") { address, workers, ps, timeout };
        foreach (var option in access.All) status.Options.Add(option);
        status.SetAction(parsed =>
        {
            int w = parsed.GetValue(workers), p = parsed.GetValue(ps);
            var (found, shards) = ClusterStatusQuery.WaitWithShardsAsync(parsed.GetValue(address)!, s => Count(s.Workers) >= w && Count(s.ParameterServers) >= p,
                TimeSpan.FromSeconds(parsed.GetValue(timeout)), access.TlsOf(parsed), access.SecretOf(parsed)).GetAwaiter().GetResult();
            var answer = found ?? throw new CliException($"no coordinator answered at {parsed.GetValue(address)} (is a coordinator node running and up?)");
            Console.WriteLine($"coordinator: {answer.Coordinator}");
            for (int t = 0; t < answer.Workers.Length; t++) Console.WriteLine($"/job:worker/task:{t}: {Or(answer.Workers[t])}");
            for (int s = 0; s < answer.ParameterServers.Length; s++) Console.WriteLine($"/job:ps/task:{s}: {Or(answer.ParameterServers[s])}");
            HashTableLines.Print(shards);
            foreach (var member in answer.Members) Console.WriteLine($"member: {member}");
            Console.WriteLine($"sessions: {answer.Sessions}");
            if (Count(answer.Workers) < w || Count(answer.ParameterServers) < p)
                throw new CliException($"the cluster has {Count(answer.Workers)} worker(s) and {Count(answer.ParameterServers)} ps shard(s) serving, not {w} and {p}.");
            return ExitCodes.Ok;
        });
        cluster.Subcommands.Add(status);
        cluster.Subcommands.Add(ClusterResetCommand.Create());
        return cluster;
    }

    private static int Count(string[] serving) => serving.Count(s => s.Length > 0);

    private static string Or(string s) => s.Length > 0 ? s : "(none)";
}
