using System.CommandLine;
using System.Runtime.InteropServices;
using ActorGraph.Coordinator.Cluster;
using ActorGraph.Host.Cli;
using Akka.Configuration;
using Microsoft.Extensions.Logging;

namespace ActorGraph.Host.Commands;

// `actorgraph node --role …`: one node of a cluster, until SIGTERM or SIGINT (then it leaves the
// cluster cleanly) or until the cluster removes it. Settings: flags, else ACTORGRAPH_* environment
// variables, else deploy/<role>.hocon (each role's, in the order given) over deploy/node.hocon (beside
// the binary), else built-in.
internal static class NodeCommand
{
    public static Command Create()
    {
        var role = new Option<string?>("--role")
        {
            Description = "coordinator, worker or ps; or coordinator,worker for a coordinator that runs steps on a worker in its own process (env ACTORGRAPH_ROLE)",
            DefaultValueFactory = _ => Env("ROLE"),
        };
        role.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is not { } roles) return;
            try { NodeRoles.Parse(roles); }
            catch (ArgumentException e) { result.AddError($"--role: {e.Message}"); }
        });
        var host = new Option<string?>("--host") { Description = "Address to listen on (env ACTORGRAPH_HOST; default 127.0.0.1)", DefaultValueFactory = _ => Env("HOST") };
        var publicHost = new Option<string?>("--public-host") { Description = "Name other nodes reach this one by, when --host is 0.0.0.0 (env ACTORGRAPH_PUBLIC_HOST)", DefaultValueFactory = _ => Env("PUBLIC_HOST"), HelpName = "HOST" };
        var port = new Option<int?>("--port") { Description = "Port to listen on (env ACTORGRAPH_PORT; default: any free port)", DefaultValueFactory = _ => Env("PORT") is { } p ? int.Parse(p) : null, HelpName = "N" };
        var seeds = new Option<string[]>("--seed")
        {
            Description = "A node of the cluster to join, akka.tcp://actorgraph@HOST:PORT; repeat for several (env ACTORGRAPH_SEEDS, comma-separated). None: start a new cluster",
            DefaultValueFactory = _ => Env("SEEDS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
            HelpName = "ADDR",
            AllowMultipleArgumentsPerToken = false,
        };
        var store = new Option<string?>("--store") { Description = "Where a ps node's shards journal every update, so a shard that moves comes back as it was: a PostgreSQL connection string (or Data Source=path.db for one ps node); env ACTORGRAPH_STORE", DefaultValueFactory = _ => Env("STORE"), HelpName = "CONN" };
        var access = new ClusterAccessOptions();
        var system = new Option<string>("--system") { Description = "Actor system name of the cluster", DefaultValueFactory = _ => Env("SYSTEM") ?? ClusterConfig.DefaultSystemName, HelpName = "NAME" };
        var config = new Option<string?>("--config") { Description = "A HOCON file over deploy/<role>.hocon (env ACTORGRAPH_CONFIG)", DefaultValueFactory = _ => Env("CONFIG"), HelpName = "FILE" };
        var command = new Command("node", "Run one node of a cluster (coordinator, worker or parameter server) until SIGTERM")
        {
            role, host, publicHost, port, seeds, store, system, config,
        };
        foreach (var option in access.All) command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var settings = new NodeSettings(
                parsed.GetValue(role) ?? throw new CliException("node needs --role coordinator|worker|ps (or ACTORGRAPH_ROLE).", ExitCodes.Usage),
                parsed.GetValue(host), parsed.GetValue(port), parsed.GetValue(seeds), parsed.GetValue(store), access.SecretOf(parsed),
                parsed.GetValue(system)!, parsed.GetValue(publicHost), access.TlsOf(parsed));
            // A node shows Akka's warnings and errors (a peer unreachable, a node downed); --verbose its INFO lines too.
            using var logging = CommonOptions.Logging(parsed);
            return Run(settings, Files(settings.Roles, parsed.GetValue(config)), logging);
        });
        return command;
    }

    private static string? Env(string name) => CommonOptions.FromEnvironment(name);

    // deploy/node.hocon, deploy/<role>.hocon of each role and --config, each over the one before.
    private static Config Files(IReadOnlyList<string> roles, string? extra)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "deploy");
        var config = Config.Empty;
        foreach (var file in roles.Select(r => r + ".hocon").Prepend("node.hocon").Select(f => Path.Combine(folder, f)))
            if (File.Exists(file)) config = ConfigurationFactory.ParseString(File.ReadAllText(file)).WithFallback(config);
        if (extra is not null)
        {
            if (!File.Exists(extra)) throw new CliException($"--config {extra}: no such file.");
            config = ConfigurationFactory.ParseString(File.ReadAllText(extra)).WithFallback(config);
        }
        return config;
    }

    private static int Run(NodeSettings settings, Config files, ILoggerFactory logging)
    {
        ClusterNode node;
        try
        {
            node = ClusterNode.StartAsync(settings, files, logging: logging).GetAwaiter().GetResult();
        }
        catch (TimeoutException e)
        {
            throw new CliException($"node ({settings.Role}): {e.Message}");
        }
        var leave = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; leave.TrySetResult(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; leave.TrySetResult(); });
        Console.WriteLine($"node up: {settings.Role} at {node.Address}" + (settings.Seeds.Count > 0 ? $", joined {string.Join(", ", settings.Seeds)}" : ", a new cluster"));
        Console.Out.Flush();
        int done = Task.WaitAny(leave.Task, node.Terminated);
        if (done == 0)
        {
            Console.WriteLine($"node {node.Address}: leaving the cluster");
            node.LeaveAsync(TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
            Console.WriteLine($"node {node.Address}: left");
            return ExitCodes.Ok;
        }
        Console.Error.WriteLine($"error: node {node.Address} was removed from the cluster (downed: unreachable for too long, " +
            "or refused for not knowing the cluster's secret); see the coordinator's log.");
        return ExitCodes.Failure;
    }
}
