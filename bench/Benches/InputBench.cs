using System.Diagnostics;
using ActorGraph.Bench.Harness;

namespace ActorGraph.Bench.Benches;

// The MLP of bench `mlp` (784-256-256-10, SGD) on Fashion-MNIST, batch 128: its batches from a Dataset
// (FromIdxFiles, shuffled, batched, Map to [0, 1] and one-hot, prefetched) read where GetNext runs, beside the
// feed_dict loop that sends each batch from the client ("local-feed"), trials interleaved in one run. With
// --mode cluster also a loopback cluster (2 workers + 1 ps): the dataset-fed step with the bytes the client sends
// per step counted, and the same under synchronous data parallelism over the 2 workers.
public static class InputBench
{
    private const string DefaultData = "/usr/share/datasets/fashion-mnist";

    public static void Run(Options options, Report report)
    {
        string mode = options.String("mode", "local");
        if (mode is not ("local" or "cluster")) throw new ArgumentException($"input: --mode {mode} is not known; use local or cluster.");
        string data = options.String("data", DefaultData);
        int batch = options.Int("batch", 128), steps = options.Int("steps", 100), trials = options.Int("trials", 5);
        var files = new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte" }
            .Select(name => new[] { name + ".gz", name }.Select(f => Path.Combine(data, f)).FirstOrDefault(File.Exists)
                ?? throw new ArgumentException($"input: {Path.Combine(data, name)}(.gz) is missing; install Fashion-MNIST (sudo apt-get install dataset-fashion-mnist) or give --data DIR."))
            .ToArray();

        var configs = new List<((string, object)[] Config, SessionOptions Options, bool Feed)>
        {
            ([("mode", "local-feed"), ("batch", batch)], new SessionOptions(), true),
            ([("mode", "local"), ("batch", batch)], new SessionOptions(), false),
        };
        LoopbackCluster? cluster = null;
        var loops = new List<InputLoop>();
        try
        {
            if (mode == "cluster")
            {
                int workers = options.Int("cluster-workers", 2), ps = options.Int("cluster-ps", 1);
                cluster = LoopbackCluster.Start(workers, ps, coordinatorWorks: true);
                configs.Add(([("mode", "cluster"), ("batch", batch), ("workers", workers), ("ps", ps)],
                    new SessionOptions { Cluster = cluster.Address, CountRequestBytes = true }, false));
                configs.Add(([("mode", "cluster-sync-dp"), ("batch", batch), ("workers", workers), ("ps", ps)],
                    new SessionOptions { Cluster = cluster.Address, CountRequestBytes = true, DataParallel = new DataParallelism() }, false));
            }
            Console.Error.WriteLine($"input: reading {string.Join(" and ", files)}");
            foreach (var c in configs) loops.Add(new InputLoop(c.Options, files, batch, steps, c.Feed));
            var stats = Measure.Interleaved(loops.Select(l => (Func<double>)l.Trial).ToList(), warmup: 1, trials);
            Row? feed = null, local = null;
            for (int i = 0; i < loops.Count; i++)
            {
                var row = report.Add("samples_per_s", configs[i].Config, stats[i], "samples/s", i == 0 ? null : i == 1 ? feed : local);
                if (i == 0) feed = row;
                if (i == 1) local = row;
            }
            for (int i = 2; i < loops.Count; i++)
                report.Add("client_bytes_per_step", configs[i].Config, new Stats([.. loops[i].ClientBytesPerStep], stats[i].OtherLoad), "B");
            for (int i = 0; i < loops.Count; i++)
                report.Add("cpu_per_step", configs[i].Config, new Stats([.. loops[i].CpuMsPerStep], stats[i].OtherLoad), "ms");
        }
        finally
        {
            foreach (var loop in loops) loop.Dispose();
            cluster?.Dispose();
        }
    }

    private sealed class InputLoop : IDisposable
    {
        private const int Pixels = 784, Hidden = 256, Classes = 10;
        private readonly int _batch, _steps;
        private readonly Session _session;
        private readonly Tensor _loss;
        private readonly Operation _train;
        private readonly Tensor? _images, _labels;
        private readonly float[]? _pixels;
        private readonly int[]? _classes;
        private int _next;

        public InputLoop(SessionOptions options, string[] files, int batch, int steps, bool feed)
        {
            (_batch, _steps) = (batch, steps);
            var graph = new Graph();
            using var scope = graph.AsDefault();
            Tensor x, labels;
            if (feed)
            {
                // The feed_dict loop: the training set in the client's memory, each batch copied out and sent with the step.
                var images = IdxFile.Read(files[0]).ToArray<int>();
                _pixels = Array.ConvertAll(images, v => v / 255f);
                _classes = IdxFile.Read(files[1]).ToArray<int>();
                x = _images = TF.Placeholder(DType.Float32, [-1, Pixels]);
                labels = _labels = TF.Placeholder(DType.Float32, [-1, Classes]);
            }
            else
            {
                var next = Dataset.FromIdxFiles(files).Shuffle(60_000, seed: 1).Batch(batch, dropRemainder: true)
                    .Map(b => [TF.Reshape(TF.Cast(b[0], DType.Float32) / 255f, [-1, Pixels]), TF.OneHot(b[1], Classes)])
                    .Repeat().Prefetch(2).MakeOneShotIterator().GetNext();
                (x, labels) = (next[0], next[1]);
            }
            (_loss, _train) = MlpBench.Model(x, labels, Pixels, Hidden, Classes);
            _session = new Session(graph, options);
            _session.Run(TF.GlobalVariablesInitializer());
        }

        public List<double> ClientBytesPerStep { get; } = [];
        public List<double> CpuMsPerStep { get; } = [];

        public double Trial()
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long sent = _session.ClientRequestBytes;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < _steps; i++)
                if (_pixels is null) _session.Run([_loss, _train]);
                else _session.Run([_loss, _train], NextBatch());
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            CpuMsPerStep.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / _steps);
            ClientBytesPerStep.Add((double)(_session.ClientRequestBytes - sent) / _steps);
            return _steps * _batch / seconds;
        }

        // The next batch of the training set in order, as a feed_dict loop builds it.
        private FeedDict NextBatch()
        {
            int count = _classes!.Length;
            if (_next + _batch > count) _next = 0;
            var images = _pixels.AsSpan(_next * Pixels, _batch * Pixels).ToArray();
            var oneHot = new float[_batch * Classes];
            for (int i = 0; i < _batch; i++) oneHot[i * Classes + _classes[_next + i]] = 1;
            _next += _batch;
            return new FeedDict { [_images!] = NDArray.FromArray(images, [_batch, Pixels]), [_labels!] = NDArray.FromArray(oneHot, [_batch, Classes]) };
        }

        public void Dispose() => _session.Dispose();
    }
}
