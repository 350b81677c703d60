using Akka.Configuration;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// The Fashion-MNIST CNN (two 5x5 convolutions, max-pooling, a 3.2M-weight dense layer, dropout, Adam) on a
// loopback cluster whose variables spread over two shards: its steps give the executor's losses.
[Collection("cluster")]
public class CnnClusterTests
{
    private const int Batch = 8;

    // All nodes share this process and the machine's cores: a CNN step under other load can hold a node's
    // heartbeats for seconds, which must not make it unreachable (and so fail the step) here.
    private static readonly Config PatientNodes = ConfigurationFactory.ParseString(
        "akka.cluster.failure-detector.acceptable-heartbeat-pause = 30s");

    [Fact]
    public async Task Cnn_training_steps_on_a_cluster_give_the_executors_losses()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 2, ps: 2, files: PatientNodes);
        var executor = Losses(new SessionOptions { ExecutorOnly = true });
        var onCluster = Losses(new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(60) });
        Assert.Equal(executor.Count, onCluster.Count);
        for (int i = 0; i < executor.Count; i++)
            Assert.True(Math.Abs(executor[i] - onCluster[i]) <= 1e-4f * Math.Max(1f, Math.Abs(executor[i])),
                $"step {i}: executor loss {executor[i]}, cluster loss {onCluster[i]}");
        Assert.True(onCluster[^1] < onCluster[0], $"the loss did not fall over the steps: {string.Join(", ", onCluster)}");
    }

    // Three steps without dropout (the same on both sides), one with dropout, then the loss of the
    // batch after them: Adam's slots and the dense kernel have crossed to the shards and back each step.
    private static List<float> Losses(SessionOptions options)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var images = TF.Placeholder(DType.Float32, [-1, 28, 28, 1]);
        var labels = TF.Placeholder(DType.Float32, [-1, 10]);
        var training = TF.Placeholder(DType.Bool, []);
        var x = Layers.Conv2D(images, 32, [5, 5], padding: "same", activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(1));
        x = Layers.MaxPooling2D(x, [2, 2], [2, 2]);
        x = Layers.Conv2D(x, 64, [5, 5], padding: "same", activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(2));
        x = Layers.MaxPooling2D(x, [2, 2], [2, 2]);
        x = Layers.Dense(Layers.Flatten(x), 1024, activation: TF.Relu, kernelInitializer: TF.GlorotUniformInitializer(3));
        x = Layers.Dropout(x, 0.4, training, seed: 4);
        var logits = Layers.Dense(x, 10, kernelInitializer: TF.GlorotUniformInitializer(5));
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        var train = new AdamOptimizer(1e-3).Minimize(loss);

        var rng = new Random(7);
        var pixels = Enumerable.Range(0, Batch * 28 * 28).Select(_ => rng.NextSingle()).ToArray();
        var oneHot = new float[Batch * 10];
        for (int i = 0; i < Batch; i++) oneHot[i * 10 + i % 10] = 1;
        FeedDict Feed(bool dropout) => new()
        {
            [images] = NDArray.FromArray(pixels, [Batch, 28, 28, 1]),
            [labels] = NDArray.FromArray(oneHot, [Batch, 10]),
            [training] = dropout,
        };

        using var sess = new Session(g, options);
        sess.Run(TF.GlobalVariablesInitializer());
        var losses = new List<float>();
        for (int step = 0; step < 3; step++) losses.Add(sess.Run([loss, train], Feed(dropout: false))[0]!.ToScalar<float>());
        float withDropout = sess.Run([loss, train], Feed(dropout: true))[0]!.ToScalar<float>();
        Assert.True(float.IsFinite(withDropout), $"the step with dropout gave loss {withDropout}");
        losses.Add(sess.Run(loss, Feed(dropout: false)).ToScalar<float>());
        return losses;
    }
}
