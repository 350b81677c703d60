using Xunit;

namespace ActorGraph.GraphTests.Sparse;

// The gradient of a Gather with respect to its table as an IndexedSlices, after TensorFlow 1's
// tensorflow/python/ops/gradients_test.py (IndexedSlicesToTensorTest: testIndexedSlicesToTensor,
// testInt64Indices, testWarnings' sparse/dense sums) and array_grad.py's _GatherV2Grad.
public class IndexedSlicesTests
{
    private static Variable Table(SparseHarness h)
    {
        var table = TF.GetVariable("table", [5, 2], initializer: TF.OnesInitializer());
        h.Executor.Run(TF.GlobalVariablesInitializer());
        return table;
    }

    [Fact]
    public void The_gradient_of_a_gather_is_IndexedSlices_of_the_incoming_rows_at_the_indices()
    {
        using var h = new SparseHarness();
        var table = Table(h);
        var ids = TF.Constant(new long[] { 3, 0, 3 });
        var rows = TF.Gather(table, ids);
        var weights = TF.Constant(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var grad = Assert.IsType<IndexedSlices>(TF.Gradients(TF.ReduceSum(rows * weights), [table])[0]);
        Assert.Equal(new Shape(5, 2), grad.DenseShape);
        Assert.Same(ids, grad.Indices);
        Assert.Equal([1f, 2, 3, 4, 5, 6], h.Values(grad.Values));
        // testIndexedSlicesToTensor: used as a tensor it is its dense value, repeated rows added.
        Assert.Equal([3f, 4, 0, 0, 0, 0, 6, 8, 0, 0], h.Values(grad));
        Assert.Equal([6f, 8, 0, 0, 0, 0, 12, 16, 0, 0], h.Values(grad * 2f));
        Assert.StartsWith("IndexedSlices(indices=Tensor(", grad.ToString());
    }

    // Indices of higher rank are flattened to one row per index.
    [Fact]
    public void Indices_of_higher_rank_give_one_row_per_index()
    {
        using var h = new SparseHarness();
        var table = Table(h);
        var rows = TF.Gather(table, TF.Constant(NDArray.FromArray(new[] { 1, 2, 1, 4 }, new Shape(2, 2))));
        var grad = Assert.IsType<IndexedSlices>(TF.Gradients(TF.ReduceSum(rows), [table])[0]);
        Assert.Equal(new Shape(4, 2), h.Executor.Run(grad.Values).Shape);
        Assert.Equal(new Shape(4), h.Executor.Run(grad.Indices).Shape);
        Assert.Equal([0f, 0, 2, 2, 1, 1, 0, 0, 1, 1], h.Values(grad));
    }

    // TensorFlow 1 sums sparse gradients by concatenating them (math_ops' _AggregateIndexedSlicesGradients).
    [Fact]
    public void Two_lookups_of_one_table_sum_to_IndexedSlices_with_both_sets_of_rows()
    {
        using var h = new SparseHarness();
        var table = Table(h);
        var a = TF.Gather(table, TF.Constant(new[] { 0, 1 }));
        var b = TF.Gather(table, TF.Constant(new long[] { 1, 4, 4 }));
        var grad = Assert.IsType<IndexedSlices>(TF.Gradients(TF.ReduceSum(a) + TF.ReduceSum(b) * 3f, [table])[0]);
        Assert.Equal(new Shape(5, 1 * 2), grad.DenseShape);
        Assert.Equal(DType.Int64, grad.Indices.DType);
        Assert.Equal([0L, 1, 1, 4, 4], h.Executor.Run(grad.Indices).ToArray<long>().Order());
        Assert.Equal([1f, 1, 4, 4, 0, 0, 0, 0, 6, 6], h.Values(grad));
    }

    // A dense contribution makes the sum dense (TensorFlow 1's aggregation of mixed gradients).
    [Fact]
    public void A_dense_use_of_the_table_besides_a_lookup_makes_the_gradient_dense()
    {
        using var h = new SparseHarness();
        var table = Table(h);
        var grad = TF.Gradients(TF.ReduceSum(TF.Gather(table, TF.Constant(new[] { 2 }))) + TF.ReduceSum(table * 2f), [table])[0]!;
        Assert.IsNotType<IndexedSlices>(grad);
        Assert.Equal([2f, 2, 2, 2, 3, 3, 2, 2, 2, 2], h.Values(grad));
    }

    // Along another axis the gradient stays the dense scatter.
    [Fact]
    public void A_gather_along_another_axis_has_a_dense_gradient()
    {
        using var h = new SparseHarness();
        var table = Table(h);
        var grad = TF.Gradients(TF.ReduceSum(TF.Gather(table, TF.Constant(new[] { 1, 1 }), axis: 1)), [table])[0]!;
        Assert.IsNotType<IndexedSlices>(grad);
        Assert.Equal([0f, 2, 0, 2, 0, 2, 0, 2, 0, 2], h.Values(grad));
    }

    // An op between the table and the lookup passes the IndexedSlices through when it is the identity.
    [Fact]
    public void An_identity_between_table_and_lookup_keeps_the_gradient_sparse()
    {
        using var h = new SparseHarness();
        var table = Table(h);
        var grad = TF.Gradients(TF.ReduceSum(TF.Gather(TF.Identity(table), TF.Constant(new[] { 4 }))), [table])[0];
        Assert.IsType<IndexedSlices>(grad);
        Assert.Equal([0f, 0, 0, 0, 0, 0, 0, 0, 1, 1], h.Values(grad!));
    }
}
