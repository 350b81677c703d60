using System.Diagnostics;
using System.Security.Cryptography;
using ActorGraph.Bench.Benches.Transport;
using ActorGraph.Bench.Harness;
using ActorGraph.Transport;

namespace ActorGraph.Bench.Benches;

// Bulk tensors between two processes on loopback: MiB/s one at a time and pipelined, bytes allocated per
// message on both ends, and a 64-byte round trip, for Akka.Remote (the baseline) and the tensor channel,
// receiving into fresh arrays (channel) or into a TensorPool's buffers given back after use (channel-pooled),
// and with the bytes through a shared-memory lane beside the socket into the same pooled buffers (channel-lane, SharedLane).
public static class TransportBench
{
    public static void Run(Options options, Report report)
    {
        if (options.Has("serve"))
            Serve.RunAsync(options.Int("parent-port", 0)).GetAwaiter().GetResult();
        else
            RunAsync(options, report).GetAwaiter().GetResult();
    }

    public static TransportOptions ChannelOptions(string node, byte[] secret, int? socketBuffer = null) => new()
    {
        ClusterName = "bench",
        SharedSecret = secret,
        NodeName = node,
        SocketBufferBytes = socketBuffer,
    };

    private static async Task RunAsync(Options options, Report report)
    {
        int[] sizes = options.Ints("sizes-mib", 1, 16);
        int[] windows = options.Ints("in-flight", 1, 4);
        var only = options.String("only", "akka-remote,channel,channel-pooled,channel-lane").Split(',');
        int warmup = options.Int("warmup", 1), trials = options.Int("trials", 5), pings = options.Int("pings", 1000);
        double minTrial = options.Double("min-trial-ms", 300) / 1000;
        int? socketBuffer = options.Has("socket-buffer") ? options.Int("socket-buffer", 0) : null;

        var secret = RandomNumberGenerator.GetBytes(32);
        var inbox = new TensorInbox();
        await using var listener = TensorListener.Start(ChannelOptions("bench-client", secret, socketBuffer), inbox);
        using var server = ServerProcess.Start(listener.EndPoint.Port, secret);
        var (channelPort, pooledPort, akkaPort) = await server.ReadyAsync();
        Console.Error.WriteLine($"  load average at start: {LoadAverage()}");

        List<ILink> links = [];
        if (only.Contains("akka-remote")) links.Add(await AkkaLink.ConnectAsync(akkaPort));
        var channelOptions = ChannelOptions("bench-client", secret, socketBuffer);
        if (only.Contains("channel")) links.Add(await ChannelLink.ConnectAsync("channel", channelPort, channelOptions, inbox, Serve.NodeName));
        if (only.Contains("channel-pooled")) links.Add(await ChannelLink.ConnectAsync("channel-pooled", pooledPort, channelOptions, inbox, Serve.NodeName));
        // A ring that holds the largest window (16 MiB × 4) whole, so no tensor falls back to the socket.
        if (only.Contains("channel-lane"))
            links.Add(await ChannelLink.ConnectAsync("channel-lane", pooledPort, channelOptions with { SharedMemoryLaneBytes = 80 << 20 }, inbox, Serve.NodeName));
        Process[] helpers = [server.Process];
        try
        {
            foreach (int mib in sizes)
            {
                var tensor = NDArray.Zeros(DType.Float32, new Shape(mib << 18));
                foreach (int inFlight in windows)
                {
                    Row? baseline = null, allocBaseline = null;
                    foreach (var link in links)
                    {
                        var (rate, allocated) = Transfer(link, tensor, inFlight, warmup, trials, minTrial, helpers);
                        (string, object)[] config = [("transport", link.Name), ("size", $"{mib} MiB"), ("in_flight", inFlight)];
                        var row = report.Add("throughput", config, rate, "MiB/s", baseline);
                        var allocRow = report.Add("allocated", config, allocated, "KiB/msg", allocBaseline);
                        (baseline, allocBaseline) = (baseline ?? row, allocBaseline ?? allocRow);
                    }
                }
            }
            var small = NDArray.Zeros(DType.Float32, new Shape(16));
            Row? pingBaseline = null;
            foreach (var link in links)
            {
                var stats = Measure.Trials(() =>
                {
                    long start = Stopwatch.GetTimestamp();
                    link.PingAsync(small, pings).GetAwaiter().GetResult();
                    return Stopwatch.GetElapsedTime(start).TotalMicroseconds / pings;
                }, warmup, trials, helpers);
                var row = report.Add("round_trip", [("transport", link.Name), ("size", "64 B"), ("in_flight", 1)], stats, "us", pingBaseline);
                pingBaseline ??= row;
            }
        }
        finally
        {
            foreach (var link in links) await link.DisposeAsync();
            Console.Error.WriteLine($"  load average at end: {LoadAverage()}");
        }
    }

    // MiB/s per trial, and the bytes both processes allocated per message meanwhile.
    private static (Stats Rate, Stats Allocated) Transfer(ILink link, NDArray tensor, int inFlight, int warmup, int trials, double minTrial, Process[] helpers)
    {
        double mib = tensor.Length * 4.0 / (1 << 20);
        long start = Stopwatch.GetTimestamp();
        link.TransferAsync(tensor, inFlight, inFlight).GetAwaiter().GetResult();
        double perMessage = Stopwatch.GetElapsedTime(start).TotalSeconds / inFlight;
        int count = (int)Math.Clamp(Math.Ceiling(minTrial / perMessage), 2 * inFlight, 100_000);
        var allocated = new List<double>();
        var rate = Measure.Trials(() =>
        {
            long peerBefore = link.PeerAllocatedAsync().GetAwaiter().GetResult();
            long ownBefore = GC.GetTotalAllocatedBytes();
            long t0 = Stopwatch.GetTimestamp();
            link.TransferAsync(tensor, count, inFlight).GetAwaiter().GetResult();
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            long own = GC.GetTotalAllocatedBytes() - ownBefore;
            long peer = link.PeerAllocatedAsync().GetAwaiter().GetResult() - peerBefore;
            allocated.Add((own + peer) / 1024.0 / count);
            return count * mib / seconds;
        }, warmup, trials, helpers);
        return (rate, new Stats(allocated.Skip(warmup).ToArray(), rate.OtherLoad));
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
