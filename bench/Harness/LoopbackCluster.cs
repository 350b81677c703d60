using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ActorGraph.Bench.Harness;

// A cluster of `actorgraph node` processes on loopback for the cluster benches: the built
// src/Host binary, each node under `timeout -s KILL` so that none outlives a broken run, with the
// runtime settings of a deployment profile (deploy/small-machine.env, or .NET's defaults).
public sealed class LoopbackCluster : IDisposable
{
    public const string SmallMachine = "small-machine";
    public const string DotnetDefaults = "dotnet";

    private readonly List<Process> _nodes = [];
    private readonly IReadOnlyDictionary<string, string> _environment;

    public string Address { get; }

    private LoopbackCluster(string address, IReadOnlyDictionary<string, string> environment)
    {
        Address = address;
        _environment = environment;
    }

    // coordinatorWorks: the coordinator's node is also the first worker (--role coordinator,worker),
    // as TF1's master runs inside worker 0; else it is a node of its own. profile: SmallMachine or DotnetDefaults.
    public static LoopbackCluster Start(int workers, int ps, bool coordinatorWorks = false, string profile = SmallMachine)
    {
        var dll = FindHost();
        int port = FreePort();
        var cluster = new LoopbackCluster($"akka.tcp://actorgraph@127.0.0.1:{port}", ProfileEnvironment(profile, dll));
        try
        {
            cluster.Launch(dll, "node", "--role", coordinatorWorks ? "coordinator,worker" : "coordinator", "--port", port.ToString());
            cluster.WaitFor(dll, "cluster", "status", "--cluster", cluster.Address, "--timeout", "60");
            for (int i = coordinatorWorks ? 1 : 0; i < workers; i++) cluster.Launch(dll, "node", "--role", "worker", "--seed", cluster.Address);
            for (int i = 0; i < ps; i++) cluster.Launch(dll, "node", "--role", "ps", "--seed", cluster.Address);
            cluster.WaitFor(dll, "cluster", "status", "--cluster", cluster.Address, "--workers", workers.ToString(), "--ps", ps.ToString(), "--timeout", "90");
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    private void Launch(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("timeout") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-s", "KILL", "900", "dotnet", dll }.Concat(args)) start.ArgumentList.Add(a);
        foreach (var (name, value) in _environment) start.Environment[name] = value;
        var p = Process.Start(start)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _nodes.Add(p);
    }

    private void WaitFor(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll }.Concat(args)) start.ArgumentList.Add(a);
        foreach (var (name, value) in _environment) start.Environment[name] = value;
        using var p = Process.Start(start)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"The loopback cluster did not come up: {output}");
    }

    // The variables of deploy/small-machine.env (NAME=VALUE lines, # comments), as a shell sources them.
    private static Dictionary<string, string> ProfileEnvironment(string profile, string dll)
    {
        if (profile == DotnetDefaults) return [];
        if (profile != SmallMachine) throw new ArgumentException($"--profile {profile} is not known; use {SmallMachine} (deploy/small-machine.env) or {DotnetDefaults} (.NET's defaults).");
        // src/Host/bin/<Configuration>/net10.0/actorgraph.dll → deploy/small-machine.env
        var file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(dll)!, "..", "..", "..", "..", "..", "deploy", "small-machine.env"));
        return File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    // bench/bin/<Configuration>/net10.0 → src/Host/bin/<Configuration>/net10.0/actorgraph.dll
    private static string FindHost()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = baseDir.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Host", "bin", baseDir.Parent.Name, baseDir.Name, "actorgraph.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/Host first (dotnet build -c Release src/Host): {dll} is missing.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // SIGTERM: every node leaves; whatever is left after 20 s is killed.
    public void Dispose()
    {
        foreach (var p in _nodes)
            if (!p.HasExited) Process.Start("kill", $"-TERM {p.Id}")!.WaitForExit();
        foreach (var p in _nodes)
            if (!p.WaitForExit(TimeSpan.FromSeconds(20))) p.Kill(entireProcessTree: true);
    }
}
