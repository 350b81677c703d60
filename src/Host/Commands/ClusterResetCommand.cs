using System.CommandLine;
using ActorGraph.Coordinator.Cluster;
using ActorGraph.Host.Cli;

namespace ActorGraph.Host.Commands;

// `actorgraph cluster reset --cluster ADDR`: Session.Reset from the command line. Every ps of the cluster drops its
// variables and hash tables (checkpoints stay); refused while a session of the cluster has a Run in flight.
internal static class ClusterResetCommand
{
    public static Command Create()
    {
        var address = new Option<string>("--cluster") { Description = "Address of a node of the cluster", Required = true, HelpName = "ADDR" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the cluster's answer", DefaultValueFactory = _ => 60, HelpName = "S" };
        var access = new ClusterAccessOptions();
        var reset = new Command("reset", "Drop every variable and hash table on every parameter server of the cluster (tf.Session.reset); checkpoints stay")
        {
            address, timeout,
        };
        foreach (var option in access.All) reset.Options.Add(option);
        reset.SetAction(parsed =>
        {
            var shards = ClusterResetRequest.ResetAsync(parsed.GetValue(address)!, TimeSpan.FromSeconds(parsed.GetValue(timeout)),
                access.TlsOf(parsed), access.SecretOf(parsed)).GetAwaiter().GetResult();
            Console.WriteLine($"reset: {shards.Length} parameter server(s) emptied ({string.Join(", ", shards.Select(t => $"/job:ps/task:{t}"))})");
            return ExitCodes.Ok;
        });
        return reset;
    }
}
