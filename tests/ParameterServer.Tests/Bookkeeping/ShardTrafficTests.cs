using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.ParameterServer.Tests.Bookkeeping;

// The shard's byte counters tell a table's rows (lookups, sparse updates) from whole variables, and reads lent in
// this process from copies.
public class ShardTrafficTests
{
    private static NDArray Floats(int n) => NDArray.Zeros(DType.Float32, new Shape(n));

    [Fact]
    public void Lookups_and_sparse_updates_count_as_rows_and_dense_updates_do_not()
    {
        var traffic = new ShardTraffic();
        traffic.ReceivedIds(NDArray.Zeros(DType.Int32, new Shape(3)));
        traffic.Sent(new RowsLookedUp(1, 1, NDArray.Zeros(DType.Float32, new Shape(3, 16))));
        traffic.Received([new WireUpdate(UpdateKind.SparseGradientDescent, "table", [], [NDArray.Scalar(0.1f), NDArray.Zeros(DType.Float32, new Shape(3, 16)), NDArray.Zeros(DType.Int32, new Shape(3))])]);
        traffic.Received([new WireUpdate(UpdateKind.GradientDescent, "w", [], [NDArray.Scalar(0.1f), Floats(100)])]);
        Assert.Equal(3 * 4 + 4 + 3 * 16 * 4 + 3 * 4 + 4 + 100 * 4, traffic.BytesIn);
        Assert.Equal(3 * 16 * 4, traffic.BytesOut);
        Assert.Equal(3 * 4 + 3 * 16 * 4 + (4 + 3 * 16 * 4 + 3 * 4), traffic.RowBytes);
        Assert.Equal(0, traffic.LentBytes);
    }

    [Fact]
    public void A_lending_read_counts_its_large_values_as_lent_and_its_small_ones_as_copied()
    {
        var traffic = new ShardTraffic();
        traffic.Sent(new VariablesRead(1, [Floats(2000), Floats(10), null], Lent: true));
        traffic.Sent(new VariablesRead(2, [Floats(2000)]));
        Assert.Equal((2000 + 10 + 2000) * 4, traffic.BytesOut);
        Assert.Equal(2000 * 4, traffic.LentBytes);
        Assert.Equal(0, traffic.RowBytes);
    }
}
