using System.Diagnostics;

namespace ActorGraph.Bench.Benches.Transport;

// This bench run again as `transport --serve`, so every figure crosses a real process boundary.
public sealed class ServerProcess : IDisposable
{
    public Process Process { get; }

    private ServerProcess(Process process) => Process = process;

    public static ServerProcess Start(int parentPort, byte[] secret)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        // Under `dotnet ActorGraph.Bench.dll` the host is dotnet itself and needs the assembly named.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        foreach (var arg in (string[])["transport", "--serve", "--parent-port", parentPort.ToString()]) start.ArgumentList.Add(arg);
        start.Environment[Serve.SecretVariable] = Convert.ToHexString(secret);   // never on a command line `ps` shows
        return new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}"));
    }

    // The server's "ready <channel port> <pooled channel port> <akka port>" line; what it prints before (its banner) is skipped.
    public async Task<(int Channel, int Pooled, int Akka)> ReadyAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await Process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var words = line.Split(' ');
            if (words is ["ready", var channel, var pooled, var akka]) return (int.Parse(channel), int.Parse(pooled), int.Parse(akka));
        }
        throw new InvalidOperationException($"the serving process exited ({Process.ExitCode}) before it was ready");
    }

    public void Dispose()
    {
        try
        {
            Process.StandardInput.Close();
            if (!Process.WaitForExit(10_000)) Process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It is gone already.
        }
        Process.Dispose();
    }
}
