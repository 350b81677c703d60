using ActorGraph.Execution;
using ActorGraph.HashTables;
using ActorGraph.Messaging;
using Xunit;

namespace ActorGraph.ParameterServer.Tests;

// A shard's hash table parts without an ActorSystem: a lookup makes the part and its missing rows, an update
// carrying the part's spec is checked then applied to the rows it names, and a mismatched spec is refused.
public sealed class HashTableShardTests
{
    private const int Dim = 2;
    private static readonly HashTableSpec Spec = new("emb", 0, 2, Dim, DType.Float32, new HashRowInit(HashRowDistribution.Constant, 1, 0, 3), 0);

    private static NDArray Ids(params long[] ids) => NDArray.FromArray(ids, [ids.Length]);

    private static WireUpdate Adagrad(float lr, NDArray grad, NDArray ids, HashTableSpec? spec = null) =>
        new(UpdateKind.SparseAdagrad, "emb/part_0", [], [NDArray.Scalar(lr), grad, ids], new HashUpdate(spec ?? Spec, new HashSlots(["Adagrad"], [0.1])));

    [Fact]
    public void A_lookup_creates_the_part_and_its_rows_from_the_initializer()
    {
        var state = ShardState.Empty(0);
        var reply = Assert.IsType<RowsLookedUp>(state.Lookup(new LookupRows(1, "emb/part_0", Ids(-5, 9_000_000_000, -5), 7, Spec)));
        Assert.Equal(7, reply.Request);
        Assert.Equal([3, Dim], reply.Rows.Shape.ToArray());
        Assert.All(reply.Rows.AsSpan<float>().ToArray(), v => Assert.Equal(1f, v));
        var rows = Assert.Single(state.HashTableRows()!);
        Assert.Equal(("emb", 0, 2L), (rows.Table, rows.Part, rows.Rows));
    }

    [Fact]
    public void An_update_applies_the_sparse_kinds_arithmetic_to_its_rows_with_their_slots()
    {
        var state = ShardState.Empty(0);
        state.Lookup(new LookupRows(1, "emb/part_0", Ids(4, 8), 1, Spec));
        var decision = state.Decide(new ApplyUpdates(1, [Adagrad(0.5f, NDArray.FromArray(new[] { 1f, 2f, 3f, 4f }, [2, Dim]), Ids(4, 4))]));
        Assert.Null(decision.Rejection);
        foreach (var e in decision.Events) state = state.Apply(e);
        var rows = Assert.IsType<RowsLookedUp>(state.Lookup(new LookupRows(2, "emb/part_0", Ids(4, 8), 2, Spec))).Rows.AsSpan<float>().ToArray();
        // id 4's gradient sums to (4, 6): accum = 0.1 + g², value = 1 − 0.5 g / sqrt(accum); id 8 is untouched.
        Assert.Equal(1 - 0.5f * 4 / MathF.Sqrt(0.1f + 16), rows[0], 5);
        Assert.Equal(1 - 0.5f * 6 / MathF.Sqrt(0.1f + 36), rows[1], 5);
        Assert.Equal([1f, 1f], rows[2..]);
    }

    [Fact]
    public void An_update_of_the_wrong_width_or_a_spec_unlike_the_held_part_is_refused_and_changes_nothing()
    {
        var state = ShardState.Empty(0);
        state.Lookup(new LookupRows(1, "emb/part_0", Ids(1), 1, Spec));
        var wide = state.Decide(new ApplyUpdates(2, [Adagrad(0.5f, NDArray.FromArray(new[] { 1f, 2f, 3f }, [1, 3]), Ids(1))]));
        Assert.Contains("ids.shape + [2]", wide.Rejection!.Message);
        var other = state.Decide(new ApplyUpdates(2, [Adagrad(0.5f, NDArray.FromArray(new[] { 1f, 2f, 3f }, [1, 3]), Ids(1), Spec with { Dimension = 3 })]));
        Assert.Contains("use another table name", other.Rejection!.Message);
        var lookup = Assert.IsType<ShardRequestFailed>(state.Lookup(new LookupRows(3, "emb/part_0", Ids(1), 1, Spec with { Parts = 4 })));
        Assert.Contains("in 2 parts, but the graph asks for 2-wide rows of float32 in 4 parts", lookup.Message);
        Assert.All(Assert.IsType<RowsLookedUp>(state.Lookup(new LookupRows(4, "emb/part_0", Ids(1), 1, Spec))).Rows.AsSpan<float>().ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void A_hash_lookup_and_update_keep_the_parts_spec_and_slots_across_the_wire()
    {
        var spec = Spec with { Init = new HashRowInit(HashRowDistribution.TruncatedNormal, 0, 0.25, -17), EvictAfterSteps = 5 };
        var lookup = (LookupRows)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(new LookupRows(3, "emb/part_0", Ids(1, -2), 9, spec)), nameof(LookupRows));
        Assert.Equal(spec, lookup.Hash);
        var update = Adagrad(0.5f, NDArray.FromArray(new[] { 1f, 2f }, [1, Dim]), Ids(1), spec);
        var back = ((ApplyUpdates)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(new ApplyUpdates(3, [update])), nameof(ApplyUpdates))).Updates[0];
        Assert.Equal(spec, back.Hash!.Spec);
        Assert.Equal(["Adagrad"], back.Hash.Slots.Names);
        Assert.Equal([0.1], back.Hash.Slots.Inits);
    }
}
