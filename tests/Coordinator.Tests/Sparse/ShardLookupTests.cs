using ActorGraph.ParameterServer;
using ActorGraph.Training;
using Akka.Actor;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Sparse;

// A Gather of a variable's rows runs on the table's shard, and an IndexedSlices gradient is applied there to the
// touched rows: ids and rows travel, the table never does (2 workers, 2 ps; the shards count their tensor bytes).
public class ShardLookupTests
{
    private const int Rows = 1000, Dim = 16;

    private static NDArray TableValues()
    {
        var values = new float[Rows * Dim];
        for (int i = 0; i < values.Length; i++) values[i] = i;
        return NDArray.FromArray(values, [Rows, Dim]);
    }

    private static (long In, long Out) Traffic(Session sess)
    {
        long bytesIn = 0, bytesOut = 0;
        foreach (var shard in sess.Runtime.ParameterServers)
        {
            var status = shard.Ask<ShardStatus>(new GetShardStatus(), TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
            bytesIn += status.BytesIn;
            bytesOut += status.BytesOut;
        }
        return (bytesIn, bytesOut);
    }

    [Fact]
    public void A_gather_of_a_table_brings_back_only_the_rows_looked_up()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetVariable("table", [Rows, Dim], initializer: TF.ZerosInitializer());
        var ids = TF.Placeholder(DType.Int32, [4], name: "ids");
        var rows = TF.Gather(table, ids);
        var load = TF.Assign(table, TF.Constant(TableValues()));
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2 });
        sess.Run(load.Op);
        var before = Traffic(sess);
        var got = sess.Run(rows, new FeedDict { [ids] = NDArray.FromArray(new[] { 3, 999, 3, 0 }, [4]) });
        var after = Traffic(sess);
        Assert.Equal([4, Dim], got.Shape.ToArray());
        var values = got.AsSpan<float>();
        Assert.Equal(3 * Dim + 5, values[5]);
        Assert.Equal(999 * Dim, values[Dim]);
        Assert.Equal(0, values[3 * Dim]);
        Assert.Equal(values[..Dim].ToArray(), values[(2 * Dim)..(3 * Dim)].ToArray());
        // 3 unique ids of 4 bytes out, 3 rows of 16 floats back (id 3 once, though asked twice): the 64 KB table
        // stays where it is.
        Assert.Equal((3 * 4, 3 * Dim * 4), (after.In - before.In, after.Out - before.Out));
    }

    [Fact]
    public void An_id_out_of_range_fails_the_step_naming_it_and_the_table_size_and_the_session_goes_on()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetVariable("table", [Rows, Dim], initializer: TF.ZerosInitializer());
        var ids = TF.Placeholder(DType.Int64, [2], name: "ids");
        var rows = TF.Gather(table, ids);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2 });
        sess.Run(table.Initializer);
        var e = Assert.Throws<InvalidArgumentException>(() => sess.Run(rows, new FeedDict { [ids] = NDArray.FromArray(new[] { 5L, 1000L }, [2]) }));
        Assert.Contains("1000", e.Message);
        Assert.Contains("[0, 1000)", e.Message);
        Assert.Equal([2, Dim], sess.Run(rows, new FeedDict { [ids] = NDArray.FromArray(new[] { 5L, 999L }, [2]) }).Shape.ToArray());
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adagrad")]
    public void A_sparse_gradient_is_applied_on_the_shard_to_the_touched_rows_only(string optimizer)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetVariable("table", [Rows, Dim], initializer: TF.ConstantInitializer(1));
        var ids = TF.Placeholder(DType.Int32, [3], name: "ids");
        var loss = TF.ReduceSum(TF.Square(TF.Gather(table, ids)));
        Optimizer opt = optimizer == "sgd" ? new GradientDescentOptimizer(0.25) : new AdagradOptimizer(0.5);
        var train = opt.Minimize(loss);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2 });
        sess.Run(TF.GlobalVariablesInitializer());
        var feed = new FeedDict { [ids] = NDArray.FromArray(new[] { 7, 7, 42 }, [3]) };
        sess.Run(train, feed);
        var before = Traffic(sess);
        sess.Run(train, feed);
        var after = Traffic(sess);
        // In: the 2 unique ids, and the update's rows (3 × 16 floats), indices and hyperparameters; out: the 2 rows
        // looked up. Nothing near the table's 64 KB either way.
        Assert.InRange(after.In - before.In, 3 * Dim * 4, 3 * Dim * 4 + 64);
        Assert.Equal(2 * Dim * 4, after.Out - before.Out);
        var value = sess.Run(table).AsSpan<float>();
        float seven = value[7 * Dim], fortyTwo = value[42 * Dim];
        if (optimizer == "sgd")
        {
            // Row 7 appears twice: its gradient is 2·2·w (duplicates summed), w ← w − 0.25 · 4w = 0, and stays 0;
            // row 42's is 2w: w ← w/2 per step.
            Assert.Equal(0f, seven);
            Assert.Equal(0.25f, fortyTwo);
        }
        else
        {
            Assert.InRange(seven, -1f, 0.99f);
            Assert.InRange(fortyTwo, -1f, 0.99f);
        }
        Assert.Equal(1f, value[0]);
        Assert.Equal(1f, value[(Rows - 1) * Dim + Dim - 1]);
    }

    // An embedding lookup sends each part's unique ids once and gets each of their rows once; its gradient goes back
    // as one row per unique id, the duplicates' gradients summed on the worker.
    [Fact]
    public void An_embedding_lookup_of_repeated_ids_moves_each_unique_row_once_each_way()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetPartitionedVariable("table", [Rows, Dim], TF.FixedSizePartitioner(2), initializer: TF.ConstantInitializer(1));
        var ids = TF.Placeholder(DType.Int32, [6], name: "ids");
        var lookup = TF.EmbeddingLookup(table, ids);
        var train = new GradientDescentOptimizer(0.25).Minimize(TF.ReduceSum(TF.Square(lookup)));
        using var sess = new Session(g, new SessionOptions { Workers = 2, ParameterServers = 2 });
        sess.Run(TF.GlobalVariablesInitializer());
        // 6 ids, 3 unique: 3 three times, 8 twice, 1 once ("mod": 8 on part 0, 3 and 1 on part 1).
        var feed = new FeedDict { [ids] = NDArray.FromArray(new[] { 3, 8, 3, 1, 3, 8 }, [6]) };
        var before = Traffic(sess);
        var rows = sess.Run(lookup, feed);
        var after = Traffic(sess);
        Assert.Equal([6, Dim], rows.Shape.ToArray());
        Assert.All(rows.AsSpan<float>().ToArray(), v => Assert.Equal(1f, v));
        // 3 unique ids of 4 bytes out, 3 rows of 16 floats back (not 6 of each).
        Assert.Equal((3 * 4, 3 * Dim * 4), (after.In - before.In, after.Out - before.Out));

        before = Traffic(sess);
        sess.Run(train, feed);
        after = Traffic(sess);
        // In: the ids, and the update's 3 rows (not 6), their indices and the learning rate; out: the 3 rows.
        Assert.InRange(after.In - before.In, 3 * Dim * 4, 3 * Dim * 4 + 64);
        Assert.Equal(3 * Dim * 4, after.Out - before.Out);
        // Gradient 2w per occurrence, summed: id 3's is 6 (w = 1 − 0.25·6), id 8's 4, id 1's 2.
        float[] even = sess.Run(table[0]).AsSpan<float>().ToArray(), odd = sess.Run(table[1]).AsSpan<float>().ToArray();
        Assert.Equal((-0.5f, 0f, 0.5f), (odd[1 * Dim], even[4 * Dim], odd[0]));
        Assert.Equal((1f, 1f), (even[0], odd[2 * Dim + Dim - 1]));
    }

    // Each replica sends its own rows; the shard concatenates them, weighted by the replicas' shares of the batch, so
    // the step is the full batch's (as the executor computes it).
    [Fact]
    public void Synchronous_replicas_sparse_rows_are_merged_on_the_shard_into_the_full_batch_step()
    {
        NDArray Train(SessionOptions options)
        {
            var g = new Graph();
            using var scope = g.AsDefault();
            var table = TF.GetVariable("table", [Rows, Dim], initializer: TF.ConstantInitializer(1));
            var ids = TF.Placeholder(DType.Int32, [-1], name: "ids");
            var loss = TF.ReduceMean(TF.Square(TF.Gather(table, ids)));
            var train = new GradientDescentOptimizer(0.5).Minimize(loss);
            using var sess = new Session(g, options);
            sess.Run(TF.GlobalVariablesInitializer());
            for (int step = 0; step < 3; step++)
                sess.Run(train, new FeedDict { [ids] = NDArray.FromArray(new[] { 1, 3, 1, 5, 3 }, [5]) });
            return sess.Run(table);
        }
        var reference = Train(new SessionOptions { ExecutorOnly = true }).AsSpan<float>().ToArray();
        var replicated = Train(new SessionOptions { Workers = 2, ParameterServers = 2, DataParallel = new DataParallelism() }).AsSpan<float>().ToArray();
        Assert.NotEqual(1f, reference[Dim]);
        for (int i = 0; i < reference.Length; i++) Assert.Equal(reference[i], replicated[i], 5);
    }
}
