using ActorGraph.Ops;
using Xunit;
using static ActorGraph.GraphTests.Data.DatasetHarness;

namespace ActorGraph.GraphTests.Data;

// Each transformation against a reference computed in plain C#, after TensorFlow's
// kernel_tests (from_tensor_slices_test, batch_test, repeat_test, shard_test, take_test, skip_test, shuffle_test, map_test).
public class DatasetTransformationTests
{
    private static Dataset Numbers(int n) => Dataset.FromTensorSlices(Range(n));

    private static int[] Flat(List<int[]> elements) => elements.SelectMany(e => e).ToArray();

    [Fact]
    public void FromTensorSlices_gives_the_rows_of_every_component_together()
    {
        var elements = Elements(() => Dataset.FromTensorSlices(new[] { 1, 2, 3 }, new float[,] { { 1, 10 }, { 2, 20 }, { 3, 30 } }));
        Assert.Equal(3, elements.Count);
        Assert.Equal([2], elements[1][0]);
        Assert.Equal([2, 20], elements[1][1]);
    }

    [Fact]
    public void FromTensorSlices_gives_each_component_its_row_shape_and_dtype()
    {
        var spec = Dataset.FromTensorSlices(new[] { 1, 2 }, new float[,] { { 1, 10 }, { 2, 20 } }).ElementSpec;
        Assert.Equal(new TensorSpec(DType.Int32, Shape.Scalar), spec[0]);
        Assert.Equal(new TensorSpec(DType.Float32, new Shape(2)), spec[1]);
    }

    [Fact]
    public void FromTensorSlices_refuses_components_of_different_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(new[] { 1, 2 }, new[] { 1, 2, 3 }));
        Assert.Contains("same size along axis 0", e.Message);
    }

    [Fact]
    public void Batch_keeps_a_short_last_batch_unless_told_to_drop_it()
    {
        Assert.Equal(["0,1,2,3", "4,5,6,7", "8,9"], Scalars(() => Numbers(10).Batch(4)).Select(b => string.Join(',', b)));
        Assert.Equal(["0,1,2,3", "4,5,6,7"], Scalars(() => Numbers(10).Batch(4, dropRemainder: true)).Select(b => string.Join(',', b)));
    }

    [Fact]
    public void Batch_leaves_the_batch_dimension_unknown_unless_the_remainder_is_dropped()
    {
        var rows = Dataset.FromTensorSlices(new float[,] { { 1, 2 }, { 3, 4 } });
        Assert.Equal(new Shape(-1, 2), rows.Batch(5).ElementSpec[0].Shape);
        Assert.Equal(new Shape(5, 2), rows.Batch(5, dropRemainder: true).ElementSpec[0].Shape);
    }

    [Fact]
    public void Repeat_replays_the_input_count_times_or_forever()
    {
        Assert.Equal([0, 1, 2, 0, 1, 2], Flat(Scalars(() => Numbers(3).Repeat(2))));
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Flat(Scalars(() => Numbers(3).Repeat().Take(7))));
        Assert.Empty(Scalars(() => Numbers(3).Repeat(0)));
        Assert.Empty(Scalars(() => Numbers(3).Take(0).Repeat()));
    }

    [Fact]
    public void Shard_keeps_every_element_whose_index_mod_the_shard_count_is_the_index()
    {
        Assert.Equal([1, 4, 7], Flat(Scalars(() => Numbers(10).Shard(3, 1))));
        Assert.Equal([0, 3, 6, 9], Flat(Scalars(() => Numbers(10).Shard(3, 0))));
    }

    [Fact]
    public void Take_and_Skip_count_elements_and_minus_one_means_all()
    {
        Assert.Equal([0, 1, 2], Flat(Scalars(() => Numbers(10).Take(3))));
        Assert.Equal(Range(10), Flat(Scalars(() => Numbers(10).Take(-1))));
        Assert.Equal([7, 8, 9], Flat(Scalars(() => Numbers(10).Skip(7))));
        Assert.Empty(Scalars(() => Numbers(10).Skip(-1)));
        Assert.Empty(Scalars(() => Numbers(10).Skip(20)));
    }

    [Fact]
    public void Shuffle_gives_a_permutation_and_with_a_buffer_of_one_the_input_order()
    {
        var shuffled = Flat(Scalars(() => Numbers(50).Shuffle(10, seed: 3)));
        Assert.Equal(Range(50), shuffled.Order());
        Assert.NotEqual(Range(50), shuffled);
        Assert.Equal(Range(50), Flat(Scalars(() => Numbers(50).Shuffle(1, seed: 3))));
    }

    [Fact]
    public void Shuffle_with_a_seed_repeats_its_order_in_a_new_session()
    {
        Assert.Equal(Flat(Scalars(() => Numbers(50).Shuffle(50, seed: 7))), Flat(Scalars(() => Numbers(50).Shuffle(50, seed: 7))));
    }

    [Fact]
    public void Shuffle_draws_a_new_order_on_each_repetition()
    {
        var two = Flat(Scalars(() => Numbers(50).Shuffle(50, seed: 7).Repeat(2)));
        Assert.Equal(Range(50), two[..50].Order());
        Assert.Equal(Range(50), two[50..].Order());
        Assert.NotEqual(two[..50], two[50..]);
    }

    [Fact]
    public void Shuffle_only_draws_from_elements_within_its_buffer()
    {
        // With a buffer of k, output i comes from inputs 0..i+k-1.
        var shuffled = Flat(Scalars(() => Numbers(100).Shuffle(5, seed: 1)));
        for (int i = 0; i < shuffled.Length; i++) Assert.True(shuffled[i] < i + 5, $"element {i} is {shuffled[i]}");
    }

    [Fact]
    public void Map_runs_its_graph_function_on_every_element()
    {
        var elements = Elements(() => Dataset.FromTensorSlices(Range(4), new[] { 10, 20, 30, 40 })
            .Map(c => [c[0] * 2, c[0] + c[1]]));
        Assert.Equal([0, 2, 4, 6], elements.Select(e => e[0][0]));
        Assert.Equal([10, 21, 32, 43], elements.Select(e => e[1][0]));
    }

    [Fact]
    public void Map_is_traced_once_and_gives_its_results_static_shapes()
    {
        int calls = 0;
        var mapped = Dataset.FromTensorSlices(new float[,] { { 1, 2 }, { 3, 4 } }).Map(c => { calls++; return [TF.ReduceSum(c[0])]; });
        Assert.Equal(new TensorSpec(DType.Float32, Shape.Scalar), mapped.ElementSpec[0]);
        var sums = Elements(() => mapped);
        Assert.Equal([3, 7], sums.Select(e => e[0][0]));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Map_builds_in_a_graph_of_its_own()
    {
        var g = new Graph();
        using (g.AsDefault())
        {
            int before = g.Operations.Count;
            Dataset.FromTensorSlices(Range(3)).Map(c => [c[0] * 3]);
            Assert.Equal(before, g.Operations.Count);
        }
    }

    [Fact]
    public void Prefetch_gives_the_same_elements_in_the_same_order()
    {
        Assert.Equal(Range(100), Flat(Scalars(() => Numbers(100).Map(c => [c[0] + 0]).Prefetch(4))));
    }

    [Fact]
    public void Transformations_compose_as_in_a_training_pipeline()
    {
        var batches = Scalars(() => Numbers(10).Shuffle(10, seed: 2).Repeat(2).Batch(4).Prefetch(2));
        Assert.Equal([4, 4, 4, 4, 4], batches.Select(b => b.Length));
        Assert.Equal(Range(10).Concat(Range(10)).Order(), batches.SelectMany(b => b).Order());
    }

    public static TheoryData<string, Func<Dataset>> BadArguments => new()
    {
        { "Shard(3, 3)", () => Numbers(3).Shard(3, 3) },
        { "Shard(0, 0)", () => Numbers(3).Shard(0, 0) },
        { "Batch(0)", () => Numbers(3).Batch(0) },
        { "Shuffle(0)", () => Numbers(3).Shuffle(0) },
        { "Prefetch(0)", () => Numbers(3).Prefetch(0) },
        { "Take(-2)", () => Numbers(3).Take(-2) },
        { "Skip(-2)", () => Numbers(3).Skip(-2) },
        { "Repeat(-2)", () => Numbers(3).Repeat(-2) },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_throw_ArgumentException(string call, Func<Dataset> build)
    {
        var e = Assert.Throws<ArgumentException>(build);
        Assert.False(string.IsNullOrEmpty(e.Message), call);
    }
}
