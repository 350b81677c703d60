using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Execution;

// The steady-state check of a Run against the last plan: the same key as PlanKey.Of would make, or not.
public class PlanKeyTests
{
    [Fact]
    public void A_key_matches_the_same_fetches_in_order_and_the_same_fed_set_in_any_order()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor x = TF.Placeholder(DType.Float32), y = TF.Placeholder(DType.Float32), z = TF.Placeholder(DType.Float32);
        var sum = x + y;
        var product = x * y;
        KeyValuePair<Tensor, NDArray> Feed(Tensor t) => new(t, NDArray.Scalar(1f));
        Fetch[] fetches = [sum, product, sum.Op];
        var key = PlanKey.Of(fetches, [Feed(x), Feed(y)]);

        Assert.True(key.Matches([sum, product, sum.Op], [Feed(y), Feed(x)]));
        Assert.False(key.Matches([product, sum, sum.Op], [Feed(x), Feed(y)]));
        Assert.False(key.Matches([sum, product], [Feed(x), Feed(y)]));
        Assert.False(key.Matches([sum, product, sum.Op], [Feed(x), Feed(z)]));
        Assert.False(key.Matches([sum, product, sum.Op], [Feed(x)]));
        Assert.False(key.Matches([sum, product, sum.Op], [Feed(x), Feed(y), Feed(z)]));
        Assert.False(default(PlanKey).Matches([sum], []));
    }
}
