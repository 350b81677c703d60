using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorGraph.Host.Tests.Cli;

namespace ActorGraph.Host.Tests.Cluster;

// A cluster of real `actorgraph node` processes on loopback, each under `timeout -s KILL` so that
// nothing outlives a stuck test, on free ports; and clients (demo, train) as processes too.
internal sealed class NodeProcesses : IDisposable
{
    private const int NodeLifetimeSeconds = 240;
    private readonly List<NodeProcess> _nodes = [];
    private readonly string? _secret;

    // environment: for every node, client and status query of this cluster (ACTORGRAPH_TLS_CERT, say).
    public NodeProcesses(string? secret = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        _secret = secret;
        Environment = environment ?? new Dictionary<string, string>();
        Folder = TempDir.Create();
    }

    public string Folder { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }
    public string Seed { get; set; } = "";
    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    public static NodeProcesses Start(int workers, int ps, int coordinators = 1, string? secret = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cluster = new NodeProcesses(secret, environment);
        try
        {
            int port = FreePort();
            cluster.Seed = $"akka.tcp://actorgraph@127.0.0.1:{port}";
            cluster.Add("coordinator", "--port", port.ToString()).WaitUp();
            var others = new List<NodeProcess>();
            for (int i = 1; i < coordinators; i++) others.Add(cluster.Add("coordinator"));
            for (int i = 0; i < workers; i++) others.Add(cluster.Add("worker"));
            for (int i = 0; i < ps; i++) others.Add(cluster.Add("ps"));
            foreach (var node in others) node.WaitUp();
            cluster.WaitServing(workers, ps);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public NodeProcess Add(string role, params string[] args)
    {
        var all = new List<string> { "node", "--role", role };
        if (Seed.Length > 0 && !args.Contains("--port")) all.AddRange(["--seed", Seed]);
        if (_secret is not null && !args.Contains("--secret")) all.AddRange(["--secret", _secret]);
        all.AddRange(args);
        var node = new NodeProcess($"{role}-{_nodes.Count}", Launch(all, Environment, NodeLifetimeSeconds));
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    // `actorgraph cluster status` until at least this many workers and ps shards serve.
    public CliResult WaitServing(int workers, int ps, int timeoutSeconds = 60)
    {
        string[] secret = _secret is null ? [] : ["--secret", _secret];
        var r = ActorGraphProcess.RunIn(Folder, Environment, ["cluster", "status", "--cluster", Seed, .. secret, "--workers", workers.ToString(), "--ps", ps.ToString(),
            "--timeout", timeoutSeconds.ToString()]);
        if (r.ExitCode != 0) throw new TimeoutException($"The cluster did not come to {workers} worker(s) and {ps} ps.\n{r}\n{Logs()}");
        return r;
    }

    // A client command (demo, train) as a process of its own, against this cluster.
    public Process Client(IReadOnlyDictionary<string, string>? env, params string[] args) =>
        Launch([.. args, "--cluster", Seed], Environment.Concat(env ?? new Dictionary<string, string>()).ToDictionary(), 180);

    public static Process Launch(IEnumerable<string> args, IReadOnlyDictionary<string, string>? env, int seconds)
    {
        var start = new ProcessStartInfo("timeout") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-s", "KILL", seconds.ToString(), "dotnet", ActorGraphProcess.Dll }.Concat(args)) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Outputs.Add(process, output);
        return process;
    }

    // Everything a launched process wrote so far, standard output and error interleaved.
    public static string OutputOf(Process p)
    {
        Outputs.TryGetValue(p, out var sb);
        if (sb is null) return "";
        lock (sb) return sb.ToString();
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, StringBuilder> Outputs = [];

    public static bool WaitFor(Process p, Func<string, bool> seen, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (seen(OutputOf(p))) return true;
            if (p.HasExited) return seen(OutputOf(p));
            Thread.Sleep(100);
        }
        return false;
    }

    public static CliResult Finish(Process p, TimeSpan timeout)
    {
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"the client did not finish within {timeout.TotalSeconds:0} s:\n{OutputOf(p)}");
        }
        p.WaitForExit();
        return new CliResult(p.ExitCode, OutputOf(p), "");
    }

    public string Logs() => string.Join("\n", _nodes.Select(n => $"--- {n.Name}\n{Tail(OutputOf(n.Process), 25)}"));

    private static string Tail(string s, int lines) => string.Join("\n", s.Split('\n').TakeLast(lines));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            try
            {
                if (!node.Process.HasExited) node.Process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
    }
}

internal sealed record NodeProcess(string Name, Process Process)
{
    public string Address => System.Text.RegularExpressions.Regex.Match(NodeProcesses.OutputOf(Process), @"node up: \S+ at (\S+?)[,\s]").Groups[1].Value;

    public void WaitUp()
    {
        if (!NodeProcesses.WaitFor(Process, o => o.Contains("node up:"), TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"{Name} did not come up:\n{NodeProcesses.OutputOf(Process)}");
    }

    // kill -9 of the node itself (timeout's child), as a crash would.
    public void Crash()
    {
        foreach (var child in Children(Process.Id)) Kill(child, "KILL");
        Kill(Process.Id, "KILL");
    }

    // SIGTERM to the node: it leaves the cluster and exits.
    public void Stop() => Kill(Process.Id, "TERM");

    private static void Kill(int pid, string signal) => Process.Start("kill", $"-{signal} {pid}")!.WaitForExit();

    private static IEnumerable<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path) ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse) : [];
    }
}
