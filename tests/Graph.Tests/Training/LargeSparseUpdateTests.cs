using ActorGraph.Execution;
using ActorGraph.Training;
using Xunit;

namespace ActorGraph.GraphTests.Training;

// A sparse update of many rows is split over the compute threads: it must give every row what the same rows get a few
// at a time, and a kind with per-update scalars (Adam's beta powers) must still advance them once.
public class LargeSparseUpdateTests
{
    private const int TableRows = 20_000, Width = 3, Touched = 5_000;

    private static NDArray Table(int seed) => NDArray.FromArray(Values(TableRows * Width, seed, 1), [TableRows, Width]);

    private static float[] Values(int count, int seed, float shift)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextSingle() + shift)];
    }

    // Distinct rows in a shuffled order, and a gradient row for each.
    private static (long[] Rows, float[] Grads) Touch()
    {
        var rows = Enumerable.Range(0, TableRows).Select(r => (long)r).OrderBy(_ => Guid.NewGuid()).Take(Touched).ToArray();
        return (rows, Values(Touched * Width, 7, -0.5f));
    }

    private static NDArray Rows(long[] rows, int from, int count) => NDArray.FromArray(rows[from..(from + count)], [count]);

    private static NDArray Grads(float[] grads, int from, int count) => NDArray.FromArray(grads[(from * Width)..((from + count) * Width)], [count, Width]);

    private static NDArray Scalar(float x) => NDArray.FromArray(new[] { x }, new Shape());

    [Theory]
    [InlineData(UpdateKind.SparseGradientDescent)]
    [InlineData(UpdateKind.SparseAdagrad)]
    [InlineData(UpdateKind.SparseMomentum)]
    public void All_rows_at_once_give_what_the_rows_a_few_at_a_time_give(UpdateKind kind)
    {
        var (rows, grads) = Touch();
        NDArray whole = Table(1), pieces = Table(1);
        NDArray?[] wholeSlots = kind == UpdateKind.SparseGradientDescent ? [] : [Table(2)];
        NDArray?[] pieceSlots = kind == UpdateKind.SparseGradientDescent ? [] : [Table(2)];
        NDArray[] Operands(int from, int count) => kind == UpdateKind.SparseMomentum
            ? [Scalar(0.1f), Grads(grads, from, count), Rows(rows, from, count), Scalar(0.9f)]
            : [Scalar(0.1f), Grads(grads, from, count), Rows(rows, from, count)];
        UpdateRules.Apply(kind, "table", whole, wholeSlots, Operands(0, Touched));
        for (int from = 0; from < Touched; from += 500) UpdateRules.Apply(kind, "table", pieces, pieceSlots, Operands(from, 500));
        Assert.Equal(pieces.ToArray<float>(), whole.ToArray<float>());
        if (wholeSlots.Length > 0) Assert.Equal(pieceSlots[0]!.ToArray<float>(), wholeSlots[0]!.ToArray<float>());
    }

    [Fact]
    public void Lazy_adam_over_many_rows_advances_its_beta_powers_once()
    {
        var (rows, grads) = Touch();
        var table = Table(1);
        NDArray beta1Power = Scalar(0.9f), beta2Power = Scalar(0.999f);
        UpdateRules.Apply(UpdateKind.SparseAdam, "table", table, [Table(2), Table(3), beta1Power, beta2Power],
            [Scalar(0.01f), Scalar(0.9f), Scalar(0.999f), Scalar(1e-8f), Grads(grads, 0, Touched), Rows(rows, 0, Touched)]);
        Assert.Equal(0.9f * 0.9f, beta1Power.ToArray<float>()[0]);
        Assert.Equal(0.999f * 0.999f, beta2Power.ToArray<float>()[0]);
    }
}
