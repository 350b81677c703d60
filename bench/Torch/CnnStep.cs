using System.Diagnostics;
using ActorGraph.Bench.Benches;
using ActorGraph.Bench.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorGraph.Bench;

// The Fashion-MNIST CNN's training step (what bench `cnn` runs) beside libtorch's: the same layers and
// shapes (libtorch in NCHW, which for one input channel is the same memory as NHWC), dropout 0.4 in
// training mode, Adam at 1e-3, the same synthetic batch.
public static class CnnStep
{
    public static void Run(Report report, int batch, int steps, int trials)
    {
        var (pixels, oneHot, classes) = CnnGraph.SyntheticBatch(batch);
        var ours = CnnGraph.Build(batch, pixels, oneHot);
        using var executor = new Session(ours.Graph, new SessionOptions { ExecutorOnly = true });
        using var local = new Session(ours.Graph);
        executor.Run(ours.Init);
        local.Run(ours.Init);

        int side = CnnGraph.Side;
        var model = nn.Sequential(
            nn.Conv2d(1, 32, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * (side / 4) * (side / 4), 1024), nn.ReLU(), nn.Dropout(0.4),
            nn.Linear(1024, CnnGraph.Classes));
        model.train();
        var adam = optim.Adam(model.parameters(), 1e-3);
        var criterion = nn.CrossEntropyLoss();
        var tx = tensor(pixels, [batch, 1, side, side]);
        var ty = tensor(classes);

        double Ours(Session s)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++) s.Run([ours.Loss, ours.Train], ours.Feed);
            return steps * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        double Torch()
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                adam.zero_grad();
                criterion.forward(model.forward(tx), ty).backward();
                adam.step();
            }
            return steps * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        var stats = Measure.Interleaved([Torch, () => Ours(executor), () => Ours(local)], warmup: 1, trials);
        var torchRow = report.Add("samples_per_s", [("runtime", "libtorch"), ("mode", "eager"), ("batch", batch)], stats[0], "samples/s");
        report.Add("samples_per_s", [("runtime", "actorgraph"), ("mode", "executor"), ("batch", batch)], stats[1], "samples/s", torchRow);
        report.Add("samples_per_s", [("runtime", "actorgraph"), ("mode", "local"), ("batch", batch)], stats[2], "samples/s", torchRow);
    }
}
