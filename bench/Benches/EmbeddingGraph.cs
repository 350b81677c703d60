using ActorGraph.Host.Ctr;
using ActorGraph.ParameterServer;
using Akka.Actor;

namespace ActorGraph.Bench.Benches;

// The click-through model of `train ctr` (src/Host/Ctr/WideAndDeep.cs) at a chosen table size: 26 fields of Zipf ids
// (offset per field) into one table of rows x 16 split in parts, a 416-256-128-1 MLP, one linear weight per id,
// sigmoid cross-entropy; with a few synthetic batches to cycle through, as bench `embedding` and bench/Torch time it.
public sealed record EmbeddingGraph(Graph Graph, Tensor Loss, Operation Train, Operation Init, FeedDict[] Feeds)
{
    public const int Fields = 26, Dimension = 16;
    public static readonly int[] Hidden = [256, 128];

    public static EmbeddingGraph Build(EmbeddingBatches batches, int parts, string optimizer, double learningRate = 0.05)
    {
        var graph = new Graph();
        using var scope = graph.AsDefault();
        // Each table size has names of its own: parameter servers keep their variables between sessions.
        using var names = TF.VariableScope($"rows_{batches.Rows}");
        var ids = TF.Placeholder(DType.Int32, [-1, Fields], name: "ids");
        var labels = TF.Placeholder(DType.Float32, [-1], name: "labels");
        var partitioner = TF.FixedSizePartitioner(parts);
        var embeddings = TF.GetPartitionedVariable("embeddings", [batches.Rows, Dimension], partitioner,
            initializer: TF.RandomNormalInitializer(0, 1 / Math.Sqrt(Dimension), 1));
        var weights = TF.GetPartitionedVariable("linear_weights", [batches.Rows, 1], partitioner, initializer: TF.ZerosInitializer());
        Tensor deep = TF.Reshape(TF.EmbeddingLookup(embeddings, ids), [-1, Fields * Dimension]);
        int[] widths = [Fields * Dimension, .. Hidden, 1];
        for (int l = 1; l < widths.Length; l++)
        {
            var w = TF.GetVariable($"w{l}", [widths[l - 1], widths[l]], initializer: TF.GlorotUniformInitializer(l + 1));
            var b = TF.GetVariable($"b{l}", [widths[l]], initializer: TF.ZerosInitializer());
            deep = TF.MatMul(deep, w) + b;
            if (l < widths.Length - 1) deep = TF.Relu(deep);
        }
        var wide = TF.ReduceSum(TF.Reshape(TF.EmbeddingLookup(weights, ids), [-1, Fields]), [1]);
        var logits = TF.Reshape(deep, [-1]) + wide;
        var loss = TF.ReduceMean(TF.SigmoidCrossEntropyWithLogits(labels, logits));
        Optimizer chosen = optimizer switch
        {
            "adagrad" => new AdagradOptimizer(learningRate),
            "sgd" => new GradientDescentOptimizer(learningRate),
            _ => throw new ArgumentException($"embedding: --optimizer {optimizer} is not known; use adagrad or sgd."),
        };
        var train = chosen.Minimize(loss);
        var feeds = batches.Ids.Select((batchIds, i) => new FeedDict
        {
            [ids] = NDArray.FromArray(batchIds, [batches.Batch, Fields]),
            [labels] = NDArray.FromArray(batches.Labels[i], [batches.Batch]),
        }).ToArray();
        return new EmbeddingGraph(graph, loss, train, TF.GlobalVariablesInitializer(), feeds);
    }
}

// Batches of the click log's id distribution (each field's Zipf curve over its share of the rows) with coin-flip
// labels: the same ids for ActorGraph and libtorch.
public sealed record EmbeddingBatches(int Rows, int Batch, int[][] Ids, float[][] Labels)
{
    public static EmbeddingBatches Draw(int rows, int batch, int count, int seed = 1)
    {
        var shape = ClickLogShape.Default with { Rows = rows };
        shape.Validate();
        var samplers = shape.FieldSizes().Select(n => new ZipfSampler(n, shape.ZipfExponent)).ToArray();
        var offsets = shape.FieldOffsets();
        var random = new Random(seed);
        var ids = new int[count][];
        var labels = new float[count][];
        for (int b = 0; b < count; b++)
        {
            ids[b] = new int[batch * EmbeddingGraph.Fields];
            labels[b] = new float[batch];
            for (int i = 0; i < batch; i++)
            {
                for (int f = 0; f < EmbeddingGraph.Fields; f++) ids[b][i * EmbeddingGraph.Fields + f] = offsets[f] + samplers[f].Sample(random);
                labels[b][i] = random.Next(2);
            }
        }
        return new EmbeddingBatches(rows, batch, ids, labels);
    }

    // The distinct ids of a batch, averaged over the batches: what a step's lookups and updates carry.
    public double UniqueIdsPerBatch => Ids.Average(b => b.Distinct().Count());
}

// Steps cycle through the batches, so each step looks up other rows.
public sealed class EmbeddingLoop : IDisposable
{
    private readonly EmbeddingGraph _model;
    private readonly Session _session;
    private readonly int _steps, _batch;
    private int _next;

    public EmbeddingLoop(EmbeddingGraph model, SessionOptions options, int steps, int batch)
    {
        (_model, _steps, _batch) = (model, steps, batch);
        _session = new Session(model.Graph, options);
        _session.Run(model.Init);
    }

    // The tensor bytes between the worker and the shards per step, trial by trial (local mode only: the shards'
    // own counters, ShardStatus): all of them, the tables' rows among them (lookups and sparse updates), and the
    // whole variables' reads lent in-process (counted, never copied).
    public List<double> BytesPerStep { get; } = [];
    public List<double> RowBytesPerStep { get; } = [];
    public List<double> LentBytesPerStep { get; } = [];

    public double Trial()
    {
        var before = ShardBytes();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < _steps; i++) _session.Run([_model.Loss, _model.Train], _model.Feeds[_next++ % _model.Feeds.Length]);
        double samplesPerSecond = _steps * _batch / System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (_session.Options.Cluster is null)
        {
            var after = ShardBytes();
            BytesPerStep.Add((after.All - before.All) / (double)_steps);
            RowBytesPerStep.Add((after.Rows - before.Rows) / (double)_steps);
            LentBytesPerStep.Add((after.Lent - before.Lent) / (double)_steps);
        }
        return samplesPerSecond;
    }

    private (long All, long Rows, long Lent) ShardBytes()
    {
        if (_session.Options.Cluster is not null) return default;
        var statuses = _session.Runtime.ParameterServers
            .Select(ps => ps.Ask<ShardStatus>(new GetShardStatus(), TimeSpan.FromSeconds(30)).GetAwaiter().GetResult()).ToArray();
        return (statuses.Sum(s => s.BytesIn + s.BytesOut), statuses.Sum(s => s.RowBytes), statuses.Sum(s => s.LentBytes));
    }

    public void Dispose() => _session.Dispose();
}
