using Xunit;

namespace ActorGraph.Coordinator.Tests.Sparse;

// A partitioned variable's parts are variables like any other: placement balances them over the parameter
// servers by size, and each part's optimizer slots stay with it.
public class PartitionedPlacementTests
{
    private static int[] ShardsOf(Graph g, PartitionedVariable table, int shards)
    {
        var placement = new VariablePlacement(shards);
        placement.Add(g.Operations);
        return [.. table.Select(p => placement.ShardOf(p.Op))];
    }

    [Fact]
    public void A_four_part_table_over_two_parameter_servers_puts_two_parts_on_each()
    {
        var g = new Graph();
        PartitionedVariable table;
        using (g.AsDefault())
        {
            TF.GetVariable("bias", [16], initializer: TF.ZerosInitializer());
            table = TF.GetPartitionedVariable("emb", [1000, 16], TF.FixedSizePartitioner(4));
        }
        var shards = ShardsOf(g, table, 2);
        Assert.Equal(2, shards.Count(s => s == 0));
        Assert.Equal(2, shards.Count(s => s == 1));
    }

    [Theory]
    [InlineData(1003, 4, 2)]
    [InlineData(10, 4, 2)]
    [InlineData(4096, 8, 4)]
    public void Uneven_parts_still_spread_evenly(int rows, int parts, int ps)
    {
        var g = new Graph();
        PartitionedVariable table;
        using (g.AsDefault()) table = TF.GetPartitionedVariable("emb", [rows, 8], TF.FixedSizePartitioner(parts));
        var shards = ShardsOf(g, table, ps);
        Assert.All(Enumerable.Range(0, ps), s => Assert.Equal(parts / ps, shards.Count(x => x == s)));
    }

    [Fact]
    public void Each_parts_optimizer_slots_sit_with_the_part()
    {
        var g = new Graph();
        PartitionedVariable table;
        using (g.AsDefault())
        {
            table = TF.GetPartitionedVariable("emb", [100, 4], TF.FixedSizePartitioner(4));
            var ids = TF.Placeholder(DType.Int32, [-1]);
            new AdamOptimizer().Minimize(TF.ReduceSum(TF.EmbeddingLookup(table, ids)));
        }
        var placement = new VariablePlacement(2);
        placement.Add(g.Operations);
        Assert.Equal(2, table.Count(p => placement.ShardOf(p.Op) == 0));
        foreach (var part in table)
            foreach (var slot in new[] { "Adam", "Adam_1", "Adam_beta1_power", "Adam_beta2_power" })
                Assert.Equal(placement.ShardOf(part.Op), placement.ShardOf(g.GetOperation($"{part.VariableName}/{slot}")));
    }
}
