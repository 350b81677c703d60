using ActorGraph.Messaging.Channel;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// Workers on other nodes than their shard keep what they read (CopyHolders): a read of an
// unchanged variable sends its version alone, and any write makes the next read send the value again.
// Their updates are acknowledged to the step's gatherer by the shard (UpdateRouting.AckTo).
[Collection("cluster")]
public class RemoteShardTests
{
    [Fact]
    public async Task An_unchanged_variable_crosses_once_and_a_write_by_another_session_is_read_anew()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [512, 512], initializer: TF.ConstantInitializer(1f)); // 1 MiB
        var total = TF.ReduceSum(w);
        var zero = TF.Assign(w, TF.ZerosLike(w));
        var options = new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) };
        using var reader = new Session(g, options);
        reader.Run(TF.GlobalVariablesInitializer());
        ConnectShardsToWorkers(cluster);

        Assert.Equal(512f * 512f, reader.Run(total).ToScalar<float>());
        long first = ReceivedByWorkers(cluster);
        Assert.Equal(512f * 512f, reader.Run(total).ToScalar<float>());
        long second = ReceivedByWorkers(cluster) - first;
        Assert.True(second < 64 * 1024, $"the second read of an unchanged 1 MiB variable moved {second} bytes to the worker");

        using (var writer = new Session(g, options)) writer.Run(zero);
        Assert.Equal(0f, reader.Run(total).ToScalar<float>());
    }

    [Fact]
    public async Task Training_with_pushed_values_matches_the_executor_step_for_step()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var losses = new List<float>[2];
        for (int run = 0; run < 2; run++)
        {
            var g = new Graph();
            using var scope = g.AsDefault();
            var x = TF.Placeholder(DType.Float32, [-1, 64]);
            var w = TF.GetVariable("w", [64, 64], initializer: TF.GlorotUniformInitializer(seed: 3));
            var loss = TF.ReduceMean(TF.Square(TF.MatMul(x, w) - 1f));
            var train = new MomentumOptimizer(0.05, 0.9).Minimize(loss);
            var feed = new FeedDict { [x] = NDArray.FromArray(Enumerable.Range(0, 16 * 64).Select(i => (i % 7) / 7f).ToArray(), [16, 64]) };
            using var sess = new Session(g, run == 0 ? new SessionOptions { ExecutorOnly = true }
                : new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) });
            sess.Run(TF.GlobalVariablesInitializer());
            losses[run] = [];
            for (int step = 0; step < 8; step++) losses[run].Add(sess.Run([loss, train], feed)[0]!.ToScalar<float>());
        }
        Assert.Equal(losses[0], losses[1]);
    }

    // Plain gradient descent is replayed by the worker on its copies (ApplyUpdates.ReplayedOn): the shard sends
    // back versions, not the 1 MiB of new weights, and the losses stay the executor's bit for bit.
    [Fact]
    public async Task Gradient_descent_replayed_on_the_worker_s_copies_matches_the_executor_and_sends_no_weights_back()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var losses = new List<float>[2];
        long receivedPerStep = 0;
        for (int run = 0; run < 2; run++)
        {
            var g = new Graph();
            using var scope = g.AsDefault();
            var x = TF.Placeholder(DType.Float32, [-1, 512]);
            var w = TF.GetVariable("w", [512, 512], initializer: TF.GlorotUniformInitializer(seed: 5)); // 1 MiB
            var b = TF.GetVariable("b", [512], initializer: TF.ZerosInitializer());
            var loss = TF.ReduceMean(TF.Square(TF.MatMul(x, w) + b - 1f));
            var train = new GradientDescentOptimizer(0.1).Minimize(loss);
            var feed = new FeedDict { [x] = NDArray.FromArray(Enumerable.Range(0, 4 * 512).Select(i => (i % 11) / 11f).ToArray(), [4, 512]) };
            using var sess = new Session(g, run == 0 ? new SessionOptions { ExecutorOnly = true }
                : new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) });
            sess.Run(TF.GlobalVariablesInitializer());
            if (run == 1) ConnectShardsToWorkers(cluster);
            losses[run] = [];
            for (int step = 0; step < 3; step++) losses[run].Add(sess.Run([loss, train], feed)[0]!.ToScalar<float>());
            long before = ReceivedByWorkers(cluster);
            for (int step = 0; step < 5; step++) losses[run].Add(sess.Run([loss, train], feed)[0]!.ToScalar<float>());
            receivedPerStep = (ReceivedByWorkers(cluster) - before) / 5;
        }
        Assert.Equal(losses[0], losses[1]);
        Assert.True(receivedPerStep < 64 * 1024, $"each step moved {receivedPerStep} bytes to the worker; the new weights crossed back");
    }

    // A write by another session between two steps: the shard applies the trainer's update to a version the worker
    // does not hold, confirms nothing, and pushes the value; the trainer's next step reads what the shard has.
    [Fact]
    public async Task A_replay_on_a_copy_another_session_overwrote_is_not_confirmed_and_the_value_comes_in_full()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [256, 256], initializer: TF.ConstantInitializer(1f));
        var loss = TF.ReduceSum(w); // d loss / d w = 1 everywhere: each step subtracts the learning rate
        var train = new GradientDescentOptimizer(0.25).Minimize(loss);
        var reset = TF.Assign(w, TF.OnesLike(w) * 4f);
        var options = new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) };
        using var trainer = new Session(g, options);
        trainer.Run(TF.GlobalVariablesInitializer());
        ConnectShardsToWorkers(cluster);
        Assert.Equal(65536f, trainer.Run([loss, train])[0]!.ToScalar<float>());
        Assert.Equal(65536f * 0.75f, trainer.Run([loss, train])[0]!.ToScalar<float>());
        using (var writer = new Session(g, options)) writer.Run(reset);
        Assert.Equal(65536f * 4f, trainer.Run([loss, train])[0]!.ToScalar<float>());
        Assert.Equal(65536f * 3.75f, trainer.Run([loss, train])[0]!.ToScalar<float>());
        Assert.Equal(65536f * 3.5f, trainer.Run(loss).ToScalar<float>());
    }

    // A held copy that is also an update's operand (v = w, beside w's own update) is not written by w's replay: the
    // operand's bytes may still be on their way to the shard, and v's replay copies them. Both orders of the two updates.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_copy_that_is_also_an_update_operand_keeps_the_value_the_step_read(bool assignFirst)
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [256, 256], initializer: TF.ConstantInitializer(1f));
        var v = TF.GetVariable("v", [256, 256], initializer: TF.ZerosInitializer());
        var loss = TF.ReduceSum(w); // each step subtracts the learning rate from every element of w
        var train = new GradientDescentOptimizer(0.25).Minimize(loss);
        var copy = TF.Assign(v, w);
        var sumV = TF.ReduceSum(v); // read in the same step, so the worker holds v too and replays its Assign
        var options = new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) };
        using var sess = new Session(g, options);
        sess.Run(TF.GlobalVariablesInitializer());
        ConnectShardsToWorkers(cluster);
        for (int step = 0; step < 4; step++)
        {
            // Reads happen at the step's start, updates at its end: v takes the w this step read.
            float vBefore = sess.Run(assignFirst ? [sumV, copy.Op, train] : [sumV, train, copy.Op])[0]!.ToScalar<float>();
            Assert.Equal(step == 0 ? 0f : 65536f * (1 - 0.25f * (step - 1)), vBefore);
        }
        Assert.Equal(65536f * (1 - 0.25f * 3), sess.Run(sumV).ToScalar<float>());
        Assert.Equal(65536f * (1 - 0.25f * 4), sess.Run(loss).ToScalar<float>());
    }

    // Copies are held only by readers the shard reaches on the channel: it connects on first use, so that
    // the first read may go by remoting, unheld. Connected first, a test sees the steady state.
    private static void ConnectShardsToWorkers(LoopbackCluster cluster)
    {
        var workers = cluster.Nodes.Where(n => n.Settings.Role == ActorGraph.Coordinator.Cluster.NodeRoles.Worker).ToList();
        foreach (var ps in cluster.Nodes.Where(n => n.Settings.Role == ActorGraph.Coordinator.Cluster.NodeRoles.ParameterServer))
            foreach (var worker in workers)
                Assert.True(BulkChannel.Get(ps.System).Connect(worker.Address, TimeSpan.FromSeconds(10)), "the ps could not open its channel to the worker");
    }

    // The worker answers once its updates are sent and the shard tells the gatherer (UpdateRouting.AckTo):
    // a refusal there still fails the step, and the session goes on. Here a second graph declares "w" with
    // another shape: its worker's Assign is fine by that graph, the shard holding w [2, 2] refuses it.
    [Fact]
    public async Task A_shard_that_refuses_updates_the_worker_already_answered_for_fails_the_step()
    {
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        var options = new SessionOptions { Cluster = cluster.Seed, StepTimeout = TimeSpan.FromSeconds(20) };
        var g = new Graph();
        Tensor total;
        using (g.AsDefault())
        {
            var w = TF.GetVariable("w", [2, 2], initializer: TF.ConstantInitializer(1f));
            total = TF.ReduceSum(w);
        }
        using var sess = new Session(g, options);
        using (g.AsDefault()) sess.Run(TF.GlobalVariablesInitializer());

        var other = new Graph();
        Operation assign;
        using (other.AsDefault()) assign = TF.Assign(TF.GetVariable("w", [3, 3]), TF.Constant(NDArray.FromArray(new float[9], [3, 3]))).Op;
        using var writer = new Session(other, options);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<InvalidArgumentException>(() => writer.Run([assign]));
        Assert.Contains("shapes of both tensors to match", e.Message);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"the refusal took {started.Elapsed} to arrive");
        Assert.Equal(4f, sess.Run(total).ToScalar<float>());
    }

    private static long ReceivedByWorkers(LoopbackCluster cluster) =>
        cluster.Nodes.Where(n => n.Settings.Role == ActorGraph.Coordinator.Cluster.NodeRoles.Worker).Sum(n => BulkChannel.Get(n.System).PayloadBytesReceived);
}
