using System.Buffers.Binary;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// A dataset-fed training step on a loopback cluster: the worker node reads the IDX files and produces the
// batches, so what the client sends per step is its request alone, a few hundred bytes, not the batch.
[Collection("cluster")]
public class ClusterDatasetTests
{
    // 32 examples of 4 byte-valued features; the label is whether the first feature is the larger half.
    private static string[] WriteIdx()
    {
        var dir = Directory.CreateTempSubdirectory("actorgraph-cluster-idx-").FullName;
        var rng = new Random(5);
        var features = new byte[32 * 4];
        rng.NextBytes(features);
        var labels = Enumerable.Range(0, 32).Select(i => (byte)(features[i * 4] >= 128 ? 1 : 0)).ToArray();
        return [Write(Path.Combine(dir, "x-idx2-ubyte"), [32, 4], features), Write(Path.Combine(dir, "y-idx1-ubyte"), [32], labels)];
    }

    private static string Write(string path, int[] dims, byte[] values)
    {
        var bytes = new List<byte> { 0, 0, 0x08, (byte)dims.Length };
        var word = new byte[4];
        foreach (var d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            bytes.AddRange(word);
        }
        File.WriteAllBytes(path, [.. bytes, .. values]);
        return path;
    }

    private static (Graph Graph, Tensor[] Batch, Tensor Loss, Operation Train, Operation Init) Model(string[] files)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var batch = Dataset.FromIdxFiles(files).Shuffle(32, seed: 3).Batch(8)
            .Map(b => [TF.Cast(b[0], DType.Float32) / 255f, TF.OneHot(b[1], 2)]).Repeat().Prefetch(2)
            .MakeOneShotIterator().GetNext();
        var w = TF.GetVariable("w", [4, 2], initializer: TF.ZerosInitializer());
        var bias = TF.GetVariable("b", [2], initializer: TF.ZerosInitializer());
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(batch[1], TF.MatMul(batch[0], w) + bias));
        return (g, batch, loss, new GradientDescentOptimizer(0.5).Minimize(loss), TF.GlobalVariablesInitializer());
    }

    [Fact]
    public async Task A_dataset_fed_training_step_on_a_two_node_cluster_sends_no_batch_from_the_client()
    {
        var files = WriteIdx();
        var reference = Model(files);
        using var executor = new Session(reference.Graph, new SessionOptions { ExecutorOnly = true });
        executor.Run(reference.Init);
        var expected = Enumerable.Range(0, 6).Select(_ => executor.Run([reference.Loss, reference.Train])[0]!.ToScalar<float>()).ToArray();

        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var model = Model(files);
        using var session = new Session(model.Graph, new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20), CountRequestBytes = true });
        session.Run(model.Init);
        var losses = new List<float> { session.Run([model.Loss, model.Train])[0]!.ToScalar<float>() };
        long before = session.ClientRequestBytes;
        for (int s = 1; s < 6; s++) losses.Add(session.Run([model.Loss, model.Train])[0]!.ToScalar<float>());
        double perStep = (session.ClientRequestBytes - before) / 5.0;

        // The same batches in the same order as the executor's, read on the worker node.
        Assert.Equal(expected, losses, (a, b) => Math.Abs(a - b) < 1e-5f);
        Assert.InRange(perStep, 1, 1024);
        Assert.True(expected[^1] < expected[0], $"The loss should fall: {string.Join(", ", expected)}.");

        // Fed from the client instead, the same step carries its batch: 8 x (4 + 2) floats at least.
        var fed = new FeedDict { [model.Batch[0]] = NDArray.FromArray(new float[32], [8, 4]), [model.Batch[1]] = NDArray.FromArray(new float[16], [8, 2]) };
        before = session.ClientRequestBytes;
        session.Run([model.Loss, model.Train], fed);
        Assert.True(session.ClientRequestBytes - before > perStep + 48 * 4, $"A fed step sent {session.ClientRequestBytes - before} bytes, a dataset-fed one {perStep}.");
    }
}
