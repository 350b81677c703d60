using ActorGraph.Bench.Harness;
using ActorGraph.Kernels;

namespace ActorGraph.Bench.Benches;

// Conv2D forward and both gradients, float32, for the Fashion-MNIST CNN's two layers at batch 100.
public static class ConvBench
{
    static readonly (string Layer, int Height, int Width, int InChannels, int Window, int OutChannels)[] Layers =
    [
        ("conv1", 28, 28, 1, 5, 32),
        ("conv2", 14, 14, 32, 5, 64),
    ];

    public static void Run(Options options, Report report)
    {
        var measure = MeasureOptions.From(options);
        int batch = options.Int("batch", 100);
        // Elements of one im2col block, for tuning (the kernel's default is tuned for a 1 MiB L2).
        Convolution.BlockElements = options.Int("block", Convolution.BlockElements);
        string only = options.String("only", "conv1,conv2");
        var rng = new Random(1);
        foreach (var (layer, height, width, inChannels, window, outChannels) in Layers)
        {
            if (!only.Contains(layer)) continue;
            var g = ConvGeometry.Of(batch, height, width, inChannels, window, window, outChannels, 1, 1, same: true);
            float[] x = Random(rng, batch * g.InputImage), w = Random(rng, g.PatchSize * outChannels), dy = Random(rng, batch * g.OutputImage);
            float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length];
            double flops = 2.0 * g.MultiplyAdds;
            foreach (var (pass, body) in new (string, Action)[]
            {
                ("forward", () => Convolution.Forward(g, x, w, y)),
                ("input_grad", () => Convolution.InputGradient(g, w, dy, dx)),
                ("filter_grad", () => Convolution.FilterGradient(g, x, dy, dw)),
            })
            {
                var stats = Measure.SecondsPerCall(body, measure).Map(s => flops / s / 1e9);
                report.Add("gflops", [("layer", layer), ("pass", pass), ("batch", batch)], stats, "GFLOP/s");
            }
        }
    }

    static float[] Random(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
