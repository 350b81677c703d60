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
        Convolution.PartsPerThread = options.Int("parts", Convolution.PartsPerThread);
        string only = options.String("only", "conv1,conv2");
        bool withGemm = !options.Has("no-gemm");
        var rng = new Random(1);
        foreach (var (layer, height, width, inChannels, window, outChannels) in Layers)
        {
            if (!only.Contains(layer)) continue;
            var g = ConvGeometry.Of(batch, height, width, inChannels, window, window, outChannels, 1, 1, same: true);
            float[] x = Random(rng, batch * g.InputImage), w = Random(rng, g.PatchSize * outChannels), dy = Random(rng, batch * g.OutputImage);
            float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length];
            // The same products on a whole im2col matrix made beforehand: what the passes would cost with free
            // patch copies, so the ratio column reads as the convolution's efficiency, whatever the machine's load.
            int rows = g.Rows, patch = g.PatchSize;
            float[] col = Random(rng, rows * patch);
            double flops = 2.0 * g.MultiplyAdds;
            foreach (var (pass, body, product) in new (string, Action, Action)[]
            {
                ("forward", () => Convolution.Forward(g, x, w, y), () => Gemm.Multiply(rows, outChannels, patch, col, patch, false, w, outChannels, false, y, outChannels)),
                ("input_grad", () => Convolution.InputGradient(g, w, dy, dx), () => Gemm.Multiply(rows, patch, outChannels, dy, outChannels, false, w, outChannels, true, col, patch)),
                ("filter_grad", () => Convolution.FilterGradient(g, x, dy, dw), () => Gemm.Multiply(patch, outChannels, rows, col, patch, true, dy, outChannels, false, dw, outChannels)),
            })
            {
                Row? gemm = null;
                if (withGemm)
                    gemm = report.Add("gemm_gflops", [("layer", layer), ("pass", pass), ("batch", batch)], Measure.SecondsPerCall(product, measure).Map(s => flops / s / 1e9), "GFLOP/s");
                var stats = Measure.SecondsPerCall(body, measure).Map(s => flops / s / 1e9);
                report.Add("gflops", [("layer", layer), ("pass", pass), ("batch", batch)], stats, "GFLOP/s", gemm);
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
