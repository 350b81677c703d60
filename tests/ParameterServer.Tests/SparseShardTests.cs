using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.ParameterServer.Tests;

// A shard's sparse work without an ActorSystem: row lookups, sparse updates checked then applied to the rows they
// name, and a synchronous step's replicas' rows merged.
public sealed class SparseShardTests
{
    private const int Rows = 6, Dim = 2;

    private static ShardState Table()
    {
        var values = new float[Rows * Dim];
        for (int i = 0; i < values.Length; i++) values[i] = i;
        return new ShardState(0, new Dictionary<string, NDArray> { ["table"] = NDArray.FromArray(values, [Rows, Dim]) }, restarted: false);
    }

    private static NDArray Row(params float[] values) => NDArray.FromArray(values, [values.Length / Dim, Dim]);

    private static WireUpdate SparseStep(float alpha, NDArray rows, NDArray indices) =>
        new(UpdateKind.SparseGradientDescent, "table", [], [NDArray.Scalar(alpha), rows, indices]);

    private static ShardState Applied(ShardState state, ApplyUpdates command)
    {
        var decision = state.Decide(command);
        Assert.Null(decision.Rejection);
        foreach (var e in decision.Events) state = state.Apply(e);
        return state;
    }

    [Fact]
    public void A_lookup_returns_the_rows_of_its_ids_in_their_shape()
    {
        var reply = Assert.IsType<RowsLookedUp>(Table().Lookup(new LookupRows(1, "table", NDArray.FromArray(new long[] { 5, 0, 5 }, [3]), Request: 4)));
        Assert.Equal(4, reply.Request);
        Assert.Equal([3, Dim], reply.Rows.Shape.ToArray());
        Assert.Equal([10f, 11f, 0f, 1f, 10f, 11f], reply.Rows.AsSpan<float>().ToArray());
    }

    [Fact]
    public void A_lookup_of_an_id_out_of_range_is_refused_naming_the_id_and_the_table_size()
    {
        var reply = Assert.IsType<ShardRequestFailed>(Table().Lookup(new LookupRows(1, "table", NDArray.FromArray(new[] { 2, 6 }, [2]), 1)));
        Assert.Equal(Wire.ErrorCodes.InvalidArgument, reply.ErrorCode);
        Assert.Contains("indices[1] = 6 is not in [0, 6)", reply.Message);
    }

    [Fact]
    public void A_lookup_in_a_variable_the_shard_lacks_is_uninitialized()
    {
        var reply = Assert.IsType<ShardRequestFailed>(Table().Lookup(new LookupRows(1, "other", NDArray.FromArray(new[] { 0 }, [1]), 1)));
        Assert.StartsWith("Attempting to use uninitialized value other", reply.Message);
    }

    [Fact]
    public void A_sparse_step_changes_only_its_rows_and_sums_repeated_ones()
    {
        var state = Applied(Table(), new ApplyUpdates(1, [SparseStep(0.5f, Row(2, 2, 4, 4, 1, 1), NDArray.FromArray(new[] { 1, 1, 3 }, [3]))]));
        var table = state.ValueOf("table")!.AsSpan<float>().ToArray();
        // Row 1 (2, 3) takes 0.5 · (2 + 4) each; row 3 (6, 7) takes 0.5 · 1; the others are as they were.
        Assert.Equal([0f, 1f, -1f, 0f, 4f, 5f, 5.5f, 6.5f, 8f, 9f, 10f, 11f], table);
    }

    [Fact]
    public void A_sparse_update_with_an_index_out_of_range_is_refused_and_the_batch_changes_nothing()
    {
        var state = Table();
        var command = new ApplyUpdates(1,
        [
            new WireUpdate(UpdateKind.AssignAdd, "table", [], [NDArray.Zeros(DType.Float32, new Shape(Rows, Dim))]),
            SparseStep(1f, Row(1, 1), NDArray.FromArray(new[] { 6 }, [1])),
        ]);
        var decision = state.Decide(command);
        Assert.Empty(decision.Events);
        Assert.Contains("indices[0] = 6 is not in [0, 6)", decision.Rejection!.Message);
    }

    [Fact]
    public void Sparse_rows_must_be_one_row_of_the_table_per_index()
    {
        var decision = Table().Decide(new ApplyUpdates(1, [SparseStep(1f, Row(1, 1, 2, 2), NDArray.FromArray(new[] { 0 }, [1]))]));
        Assert.Contains("indices.shape + variable.shape[1:] = [1, 2]", decision.Rejection!.Message);
    }

    [Fact]
    public void Synchronous_replicas_rows_are_concatenated_weighted_and_repeated_rows_summed()
    {
        var aggregation = new ReplicaAggregation<int>(7, replicas: 2);
        aggregation.Arrived.Add((0, new ApplyUpdates(7, [SparseStep(1f, Row(2, 2), NDArray.FromArray(new[] { 4 }, [1]))], Routing: new UpdateRouting(2, 3))));
        aggregation.Arrived.Add((1, new ApplyUpdates(7, [SparseStep(1f, Row(4, 4, 8, 8), NDArray.FromArray(new long[] { 4, 0 }, [2]))], Routing: new UpdateRouting(2, 1))));
        var (combined, error) = aggregation.Combine();
        Assert.Null(error);
        var update = Assert.Single(combined!.Updates);
        Assert.Equal([4L, 4L, 0L], update.Operands[2].AsSpan<long>().ToArray());
        // Weights 3/4 and 1/4 of the batch.
        Assert.Equal([1.5f, 1.5f, 1f, 1f, 2f, 2f], update.Operands[1].AsSpan<float>().ToArray());
        var table = Applied(Table(), combined).ValueOf("table")!.AsSpan<float>().ToArray();
        // Row 4 (8, 9) takes 1.5 + 1; row 0 (0, 1) takes 2.
        Assert.Equal([-2f, -1f, 2f, 3f, 4f, 5f, 6f, 7f, 5.5f, 6.5f, 10f, 11f], table);
    }
}
