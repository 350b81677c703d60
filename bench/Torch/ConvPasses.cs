using System.Diagnostics;
using ActorGraph.Bench.Harness;
using ActorGraph.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorGraph.Bench;

// Conv2D forward, input gradient and filter gradient for the CNN's two layers (what bench `conv` times) beside
// libtorch's kernels on the same shapes, trials interleaved. libtorch's gradients are its convolution's
// backward node alone: the forward is run once, then autograd.grad asks for one input's gradient each call.
public static class ConvPasses
{
    static readonly (string Layer, int Side, int InChannels, int Window, int OutChannels)[] Layers =
    [
        ("conv1", 28, 1, 5, 32),
        ("conv2", 14, 32, 5, 64),
    ];

    public static void Run(Report report, int batch, int trials)
    {
        var rng = new Random(3);
        foreach (var (layer, side, inChannels, window, outChannels) in Layers)
        {
            var g = ConvGeometry.Of(batch, side, side, inChannels, window, window, outChannels, 1, 1, same: true);
            float[] x = Random(rng, batch * g.InputImage), w = Random(rng, g.PatchSize * outChannels), dy = Random(rng, batch * g.OutputImage);
            float[] y = new float[dy.Length], dx = new float[x.Length], dw = new float[w.Length];
            double flops = 2.0 * g.MultiplyAdds;
            long[] pad = [window / 2, window / 2];
            // NCHW for libtorch: the values differ from the NHWC arrays above, which the timing does not mind.
            var tx = tensor(x, [batch, inChannels, side, side]);
            var tw = tensor(w, [outChannels, inChannels, window, window]);
            var tdy = tensor(dy, [batch, outChannels, side, side]);
            var xWithGrad = tx.detach().requires_grad_(true);
            var wWithGrad = tw.detach().requires_grad_(true);
            var yForInput = nn.functional.conv2d(xWithGrad, tw, padding: pad);
            var yForFilter = nn.functional.conv2d(tx, wWithGrad, padding: pad);

            foreach (var (pass, ours, theirs) in new (string, Action, Action)[]
            {
                ("forward", () => Convolution.Forward(g, x, w, y), () =>
                {
                    using var noGrad = no_grad();
                    using var output = nn.functional.conv2d(tx, tw, padding: pad);
                }),
                ("input_grad", () => Convolution.InputGradient(g, w, dy, dx), () => Gradient(yForInput, xWithGrad, tdy)),
                ("filter_grad", () => Convolution.FilterGradient(g, x, dy, dw), () => Gradient(yForFilter, wWithGrad, tdy)),
            })
            {
                var stats = Measure.Interleaved([Gflops(theirs, flops), Gflops(ours, flops)], warmup: 1, trials);
                (string, object)[] config = [("layer", layer), ("pass", pass), ("batch", batch)];
                var torchRow = report.Add("gflops", [("runtime", "libtorch"), .. config], stats[0], "GFLOP/s");
                report.Add("gflops", [("runtime", "actorgraph"), .. config], stats[1], "GFLOP/s", torchRow);
            }
        }
    }

    static void Gradient(torch.Tensor output, torch.Tensor input, torch.Tensor outputGrad)
    {
        foreach (var t in autograd.grad([output], [input], [outputGrad], retain_graph: true)) t.Dispose();
    }

    // One trial: as many calls as fill about 0.2 s (counted once, on the first trial), as GFLOP/s.
    static Func<double> Gflops(Action body, double flops)
    {
        long reps = 0;
        return () =>
        {
            if (reps == 0)
            {
                long probe = Stopwatch.GetTimestamp();
                body();
                reps = Math.Max(1, (long)Math.Ceiling(0.2 / Stopwatch.GetElapsedTime(probe).TotalSeconds));
            }
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < reps; i++) body();
            return reps * flops / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
        };
    }

    static float[] Random(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }
}
