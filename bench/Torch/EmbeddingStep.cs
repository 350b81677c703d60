using System.Diagnostics;
using ActorGraph.Bench.Benches;
using ActorGraph.Bench.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorGraph.Bench;

// The click-through model's training step (what bench `embedding` runs) beside libtorch's at each table size:
// nn.Embedding(sparse: true) tables of rows x 16 and rows x 1, the same 416-256-128-1 MLP, BCE with logits, and
// plain SGD on all parameters on both sides (TorchSharp's Adagrad refuses sparse gradients). ActorGraph runs in
// local mode with the tables' parts over 2 parameter servers; the same batches of Zipf ids feed both.
public static class EmbeddingStep
{
    public static void Run(Report report, Options options, int trials)
    {
        int[] rowsList = options.Ints("embedding-rows", 10_000, 1_000_000, 10_000_000);
        int batch = options.Int("embedding-batch", 512), steps = options.Int("embedding-steps", 20), ps = options.Int("embedding-ps", 2);
        const double learningRate = 0.05;
        foreach (int rows in rowsList)
        {
            Console.Error.WriteLine($"embedding: {rows:N0} rows");
            var batches = EmbeddingBatches.Draw(rows, batch, count: 8);
            using var ours = new EmbeddingLoop(EmbeddingGraph.Build(batches, ps, "sgd", learningRate),
                new SessionOptions { ParameterServers = ps }, steps, batch);

            using var embeddings = nn.Embedding(rows, EmbeddingGraph.Dimension, sparse: true);
            using var weights = nn.Embedding(rows, 1, sparse: true);
            nn.init.normal_(embeddings.weight!, 0, 1 / Math.Sqrt(EmbeddingGraph.Dimension));
            nn.init.zeros_(weights.weight!);
            int inputs = EmbeddingGraph.Fields * EmbeddingGraph.Dimension;
            using var mlp = nn.Sequential(nn.Linear(inputs, EmbeddingGraph.Hidden[0]), nn.ReLU(),
                nn.Linear(EmbeddingGraph.Hidden[0], EmbeddingGraph.Hidden[1]), nn.ReLU(), nn.Linear(EmbeddingGraph.Hidden[1], 1));
            var sgd = optim.SGD(embeddings.parameters().Concat(weights.parameters()).Concat(mlp.parameters()), learningRate);
            var criterion = nn.BCEWithLogitsLoss();
            var ids = batches.Ids.Select(b => tensor(b.Select(i => (long)i).ToArray(), [batch, EmbeddingGraph.Fields])).ToArray();
            var labels = batches.Labels.Select(l => tensor(l, [batch])).ToArray();
            int next = 0;
            double Torch()
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < steps; i++)
                {
                    using var scope = NewDisposeScope();
                    int b = next++ % ids.Length;
                    sgd.zero_grad();
                    var deep = mlp.forward(embeddings.forward(ids[b]).reshape(batch, inputs)).reshape(batch);
                    var wide = weights.forward(ids[b]).reshape(batch, EmbeddingGraph.Fields).sum(1);
                    criterion.forward(deep + wide, labels[b]).backward();
                    sgd.step();
                }
                return steps * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            var stats = Measure.Interleaved([Torch, ours.Trial], warmup: 1, trials);
            var torchRow = report.Add("embedding_samples_per_s", [("runtime", "libtorch eager"), ("rows", rows), ("batch", batch)], stats[0], "samples/s");
            report.Add("embedding_samples_per_s", [("runtime", $"actorgraph local 1/{ps}"), ("rows", rows), ("batch", batch)], stats[1], "samples/s", torchRow);
        }
    }
}
