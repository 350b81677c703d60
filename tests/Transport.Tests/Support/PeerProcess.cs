using System.Diagnostics;
using System.Net;
using System.Threading.Channels;

namespace ActorGraph.Transport.Tests.Support;

// This test assembly run as a program: the far end of the two-process tests. The secret comes in an
// environment variable, never on a command line where `ps` shows it.
public sealed class PeerProcess : IDisposable
{
    private const string SecretVariable = "ACTORGRAPH_TEST_SECRET";
    private readonly Process _process;

    private PeerProcess(Process process) => _process = process;

    // echo: sends every frame it receives back to `port`; flood: streams 16 MiB frames to `port` until killed.
    public static PeerProcess Start(string mode, int port)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["exec", typeof(PeerProcess).Assembly.Location, mode, port.ToString()]) start.ArgumentList.Add(arg);
        start.Environment[SecretVariable] = Convert.ToHexString(Loopback.Secret);
        return new PeerProcess(Process.Start(start)!);
    }

    // The first line the peer prints: "ready <port>".
    public async Task<int> ReadyAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (line is null || !line.StartsWith("ready ", StringComparison.Ordinal)) throw new InvalidOperationException($"the peer process said '{line}'");
        return int.Parse(line[6..]);
    }

    public void Kill() => _process.Kill();

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    public static async Task<int> Main(string[] args)
    {
        var options = new TransportOptions
        {
            ClusterName = "actorgraph",
            SharedSecret = Convert.FromHexString(Environment.GetEnvironmentVariable(SecretVariable)!),
            NodeName = $"{args[0]}-peer",
        };
        var parent = new IPEndPoint(IPAddress.Loopback, int.Parse(args[1]));
        await using var sender = await TensorSender.ConnectAsync(parent, options);
        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        if (args[0] == "flood")
        {
            var chunk = NDArray.Zeros(DType.Float32, new Shape(4 << 20));
            Console.WriteLine("ready 0");
            for (long step = 0; !stdinClosed.IsCompleted; step++) await sender.SendAsync(step, 0, chunk);
            return 0;
        }
        var echo = Channel.CreateUnbounded<TensorFrame>();
        await using var listener = TensorListener.Start(options, new EchoSink(echo.Writer));
        Console.WriteLine($"ready {listener.EndPoint.Port}");
        var relay = Task.Run(async () =>
        {
            await foreach (var frame in echo.Reader.ReadAllAsync()) await sender.SendAsync(frame.StepId, frame.Edges, frame.Values);
        });
        await Task.WhenAny(stdinClosed, relay);
        return 0;
    }

    private sealed class EchoSink(ChannelWriter<TensorFrame> frames) : ITensorSink
    {
        public void Received(Peer from, TensorFrame frame) => frames.TryWrite(frame);
        public void Disconnected(Peer peer, Exception? error) => frames.TryComplete(error);
    }
}
