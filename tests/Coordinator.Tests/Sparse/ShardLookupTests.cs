using ActorGraph.ParameterServer;
using Akka.Actor;
using Xunit;

namespace ActorGraph.Coordinator.Tests.Sparse;

// A Gather of a variable's rows runs on the table's shard: ids and rows travel, the table never does (2 workers, 2 ps;
// the shards count their tensor bytes).
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
        // 4 ids of 4 bytes out, 4 rows of 16 floats back: the 64 KB table stays where it is.
        Assert.Equal((4 * 4, 4 * Dim * 4), (after.In - before.In, after.Out - before.Out));
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
}
