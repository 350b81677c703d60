using ActorGraph.Training;
using Xunit;

namespace ActorGraph.GraphTests.Training;

// Adam's vectorized element arithmetic gives the one-by-one loop's bits, on whole vectors and on the tail.
public class AdamStepTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(37)]
    [InlineData(1000)]
    public void The_vector_loop_gives_the_scalar_loops_bits(int length)
    {
        var rng = new Random(length);
        float[] Random(float scale) => Enumerable.Range(0, length).Select(_ => (rng.NextSingle() - 0.3f) * scale).ToArray();
        float[] value = Random(1), m = Random(0.1f), v = Random(0.01f).Select(Math.Abs).ToArray(), grad = Random(2);
        float[] w2 = (float[])value.Clone(), m2 = (float[])m.Clone(), v2 = (float[])v.Clone();
        const float lrT = 1e-3f, beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;

        for (int step = 0; step < 3; step++)
        {
            AdamStep.Apply<float>(value, m, v, grad, lrT, beta1, beta2, epsilon);
            for (int i = 0; i < length; i++)
            {
                m2[i] += (grad[i] - m2[i]) * (1 - beta1);
                v2[i] += (grad[i] * grad[i] - v2[i]) * (1 - beta2);
                w2[i] -= lrT * m2[i] / (MathF.Sqrt(v2[i]) + epsilon);
            }
        }
        Assert.Equal(w2, value);
        Assert.Equal(m2, m);
        Assert.Equal(v2, v);
    }

    [Fact]
    public void A_slot_shorter_than_the_variable_is_refused_with_the_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => AdamStep.Apply<float>(new float[16], new float[16], new float[8], new float[16], 1e-3f, 0.9f, 0.999f, 1e-8f));
        Assert.Contains("v (8)", e.Message);
        Assert.Contains("16 elements", e.Message);
    }
}
