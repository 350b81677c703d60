using ActorGraph.Training;
using Xunit;

namespace ActorGraph.GraphTests.Training;

// Adagrad's vectorized element arithmetic gives the one-by-one loop's bits, on whole vectors and on the tail, in
// float and double.
public class AdagradStepTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    public void The_vector_loop_gives_the_scalar_loops_bits(int length)
    {
        var rng = new Random(length);
        double[] Random(double scale, double shift) => Enumerable.Range(0, length).Select(_ => (rng.NextDouble() - shift) * scale).ToArray();
        double[] value = Random(1, 0.3), accum = Random(0.1, 0), grad = Random(2, 0.5);
        float[] valueF = value.Select(x => (float)x).ToArray(), accumF = accum.Select(x => (float)x).ToArray(), gradF = grad.Select(x => (float)x).ToArray();
        double[] w2 = (double[])value.Clone(), a2 = (double[])accum.Clone();
        float[] w2F = (float[])valueF.Clone(), a2F = (float[])accumF.Clone();
        for (int step = 0; step < 3; step++)
        {
            AdagradStep.Apply<double>(value, accum, grad, 0.05);
            AdagradStep.Apply<float>(valueF, accumF, gradF, 0.05f);
            for (int i = 0; i < length; i++)
            {
                a2[i] += grad[i] * grad[i];
                w2[i] -= 0.05 * grad[i] / Math.Sqrt(a2[i]);
                a2F[i] += gradF[i] * gradF[i];
                w2F[i] -= 0.05f * gradF[i] / MathF.Sqrt(a2F[i]);
            }
        }
        Assert.Equal(w2, value);
        Assert.Equal(a2, accum);
        Assert.Equal(w2F, valueF);
        Assert.Equal(a2F, accumF);
    }

    [Fact]
    public void An_accumulator_shorter_than_the_variable_is_refused_with_the_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => AdagradStep.Apply<float>(new float[16], new float[8], new float[16], 0.1f));
        Assert.Contains("accumulator (8)", e.Message);
        Assert.Contains("16 elements", e.Message);
    }
}
