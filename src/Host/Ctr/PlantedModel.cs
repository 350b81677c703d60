namespace ActorGraph.Host.Ctr;

// The logistic model that labels a generated click log, the truth a trained model is measured against:
// logit = bias + Σ_f weight[id_f] + scale · Σ_{f<g} <factor[id_f], factor[id_g]>,
// a weight per id plus pairwise interactions of low-rank factor vectors (a factorization machine).
internal sealed class PlantedModel
{
    // A click-through rate near a quarter, and a logit spread that makes the truth's AUC about 0.8.
    public const float Bias = -1.6f;
    public const double WeightDeviation = 0.45;
    // The interactions' share of the logit: their standard deviation over random factor vectors.
    public const double InteractionDeviation = 0.4;
    // An id's weight and factors shrink with its popularity rank r in its field, by HeadRanks / (HeadRanks + r):
    // rare ids behave like the average id, so the signal lives in ids a log shows often enough to learn.
    public const double HeadRanks = 100;

    private readonly float[] _weights, _factors;
    private readonly int _fields, _rank;
    private readonly float _scale;

    private PlantedModel(float[] weights, float[] factors, int fields, int rank)
    {
        _weights = weights;
        _factors = factors;
        _fields = fields;
        _rank = rank;
        // Factors are N(0, 1): each pair's dot product has variance `rank`, the sum over pairs pairs·rank.
        _scale = (float)(InteractionDeviation / Math.Sqrt(fields * (fields - 1) / 2.0 * rank));
    }

    public static PlantedModel Draw(ClickLogShape shape, ZipfSampler[] popularity, Random random)
    {
        var weights = new float[shape.Rows];
        var factors = new float[shape.Rows * shape.Rank];
        var sizes = shape.FieldSizes();
        for (int f = 0, first = 0; f < shape.Fields; first += sizes[f], f++)
        {
            for (int rank = 0; rank < sizes[f]; rank++)
            {
                double shrink = HeadRanks / (HeadRanks + rank);
                int id = first + rank;
                weights[id] = (float)(shrink * WeightDeviation * Gaussian(random));
                for (int k = 0; k < shape.Rank; k++) factors[id * shape.Rank + k] = (float)(shrink * Gaussian(random));
            }
            CenterOnPopularity(weights.AsSpan(first, sizes[f]), 1, popularity[f]);
            CenterOnPopularity(factors.AsSpan(first * shape.Rank, sizes[f] * shape.Rank), shape.Rank, popularity[f]);
        }
        return new PlantedModel(weights, factors, shape.Fields, shape.Rank);
    }

    // A field's values (rows of `width`) minus their mean under the field's popularity: a field adds nothing
    // on average, its pairs with other fields neither, and the bias alone sets the click rate.
    private static void CenterOnPopularity(Span<float> values, int width, ZipfSampler popularity)
    {
        Span<double> mean = stackalloc double[width];
        mean.Clear();
        for (int r = 0; r < popularity.Count; r++)
            for (int k = 0; k < width; k++) mean[k] += popularity.Probability(r) * values[r * width + k];
        for (int r = 0; r < popularity.Count; r++)
            for (int k = 0; k < width; k++) values[r * width + k] -= (float)mean[k];
    }

    // One example's logit from its ids (one per field, in the shared id space).
    public float Logit(ReadOnlySpan<int> ids)
    {
        // Σ_{f<g} <v_f, v_g> = (|Σ_f v_f|² - Σ_f |v_f|²) / 2, in one pass over the fields.
        Span<float> sum = stackalloc float[_rank];
        sum.Clear();
        float logit = Bias, squares = 0;
        for (int f = 0; f < _fields; f++)
        {
            logit += _weights[ids[f]];
            var v = _factors.AsSpan(ids[f] * _rank, _rank);
            for (int k = 0; k < _rank; k++) { sum[k] += v[k]; squares += v[k] * v[k]; }
        }
        float sumSquared = 0;
        for (int k = 0; k < _rank; k++) sumSquared += sum[k] * sum[k];
        return logit + _scale * (sumSquared - squares) / 2;
    }

    public static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
