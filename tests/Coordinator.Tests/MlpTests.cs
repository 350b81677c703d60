using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// An MLP (MatMul, Relu, softmax cross-entropy) trains to the executor's numbers on any layout,
// including layers pinned to different workers, whose backward pass comes back across them.
public class MlpTests() : TestKit(TestConfig.Actors)
{
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 2, false)]
    [InlineData(3, 3, false)]
    [InlineData(4, 2, false)]
    [InlineData(2, 2, true)]
    [InlineData(3, 1, true)]
    public void An_mlp_trains_to_the_executors_numbers(int workers, int ps, bool layersOnWorkers)
    {
        var expected = Train(new SessionOptions { ExecutorOnly = true }, layersOnWorkers);
        var actual = Train(new SessionOptions { Workers = workers, ParameterServers = ps, ActorSystem = Sys }, layersOnWorkers);
        Assert.Equal(expected, actual);
    }

    // A session's own system passes arrays between its actors by reference: shards lend their variables and
    // workers their kernels' buffers (these are big enough to be lent). Same numbers, bit for bit.
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 2, false)]
    [InlineData(2, 2, true)]
    public void An_mlp_trains_to_the_executors_numbers_in_process(int workers, int ps, bool layersOnWorkers)
    {
        var expected = Train(new SessionOptions { ExecutorOnly = true }, layersOnWorkers, features: 64, hiddenUnits: 64);
        var actual = Train(new SessionOptions { Workers = workers, ParameterServers = ps }, layersOnWorkers, features: 64, hiddenUnits: 64);
        Assert.Equal(expected, actual);
    }

    internal static float[] Train(SessionOptions options, bool layersOnWorkers, int features = 6, int hiddenUnits = 8)
    {
        const int classes = 3, batch = 16;
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, features]);
        var labels = TF.Placeholder(DType.Float32, [-1, classes]);
        Tensor hidden, logits;
        Variable w1, b1, w2, b2;
        using (layersOnWorkers ? TF.Device("/job:worker/task:1") : null)
        {
            w1 = TF.GetVariable("w1", [features, hiddenUnits], initializer: TF.GlorotUniformInitializer(seed: 1));
            b1 = TF.GetVariable("b1", [hiddenUnits], initializer: TF.ZerosInitializer());
            hidden = TF.Relu(TF.MatMul(x, w1) + b1);
        }
        using (layersOnWorkers ? TF.Device("/job:worker/task:0") : null)
        {
            w2 = TF.GetVariable("w2", [hiddenUnits, classes], initializer: TF.GlorotUniformInitializer(seed: 2));
            b2 = TF.GetVariable("b2", [classes], initializer: TF.ZerosInitializer());
            logits = TF.MatMul(hidden, w2) + b2;
        }
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        var train = new MomentumOptimizer(0.1, 0.9).Minimize(loss);
        using var sess = new Session(g, options);
        sess.Run(TF.GlobalVariablesInitializer());
        var rng = new Random(5);
        var trace = new List<float>();
        for (int step = 0; step < 25; step++)
        {
            var xs = new float[batch * features];
            var ys = new float[batch * classes];
            for (int i = 0; i < batch; i++)
            {
                int c = rng.Next(classes);
                ys[i * classes + c] = 1;
                for (int f = 0; f < features; f++) xs[i * features + f] = (f % classes == c ? 1f : 0f) + (rng.NextSingle() - 0.5f);
            }
            var feed = new FeedDict { [x] = NDArray.FromArray(xs, [batch, features]), [labels] = NDArray.FromArray(ys, [batch, classes]) };
            trace.Add(sess.Run([loss, train], feed)[0]!.ToScalar<float>());
        }
        var fetched = sess.Run([w1, b1, w2, b2]);
        foreach (var v in fetched) trace.AddRange(v!.ToArray<float>());
        // What a Run returned is the caller's: the next updates do not change it.
        sess.Run(train, new FeedDict { [x] = NDArray.FromArray(new float[batch * features], [batch, features]), [labels] = NDArray.FromArray(new float[batch * classes], [batch, classes]) });
        Assert.Equal(trace.Skip(25), fetched.SelectMany(v => v!.ToArray<float>()));
        Assert.True(trace[24] < trace[0], $"the loss should fall: {trace[0]} → {trace[24]}");
        return trace.ToArray();
    }
}
