using System.Diagnostics;
using ActorGraph.Bench.Harness;
using TorchSharp;
using static TorchSharp.torch;

namespace ActorGraph.Bench;

// ActorGraph beside libtorch (TorchSharp, eager mode) on the same machine, in one process, trials
// interleaved so that drifting load lands on both alike: the same MLP training step, the Fashion-MNIST
// CNN's training step and its convolutions' passes, the seed's scalar training loop, a square sgemm, and the click-through model's step. Each ActorGraph row's ratio is against libtorch's row.
public static class Program
{
    public static int Main(string[] args)
    {
        var options = Options.Parse(args);
        int threads = options.Int("threads", Environment.ProcessorCount);
        int trials = options.Int("trials", 7);
        torch.set_num_threads(threads);
        torch.manual_seed(1);
        Console.WriteLine($"# libtorch {torch.__version__} via TorchSharp, {threads} intra-op thread(s); {Environment.ProcessorCount} cores; .NET {Environment.Version}");
        var report = new Report("torch");
        // --embedding-only: the click-through model's step alone (EmbeddingStep).
        if (options.Has("embedding-only")) { EmbeddingStep.Run(report, options, trials); report.Print(Console.Out); return 0; }
        Mlp(report, options.Int("batch", 128), options.Int("steps", 100), trials);
        // The CNN's rows print as benches `cnn` and `conv` print theirs, with a runtime column.
        var cnn = new Report("cnn");
        var conv = new Report("conv");
        int cnnBatch = options.Int("cnn-batch", 100);
        CnnStep.Run(cnn, cnnBatch, options.Int("cnn-steps", 10), trials);
        ConvPasses.Run(conv, cnnBatch, trials);
        SeedLoop(report, options.Int("seed-steps", 20_000), trials);
        Sgemm(report, options.Int("size", 1024), trials);
        EmbeddingStep.Run(report, options, trials);
        report.Print(Console.Out);
        Console.WriteLine();
        cnn.Print(Console.Out);
        Console.WriteLine();
        conv.Print(Console.Out);
        return 0;
    }

    // 784-256-256-10, ReLU, mean softmax cross-entropy, plain SGD at 0.05: what bench `mlp` runs.
    static void Mlp(Report report, int batch, int steps, int trials)
    {
        var rng = new Random(1);
        var xs = new float[batch * 784];
        var classes = new long[batch];
        var onehot = new float[batch * 10];
        for (int i = 0; i < xs.Length; i++) xs[i] = rng.NextSingle();
        for (int i = 0; i < batch; i++) onehot[i * 10 + (classes[i] = rng.Next(10))] = 1;

        var g = new Graph();
        Tensor loss;
        Operation train, init;
        FeedDict feed;
        using (g.AsDefault())
        {
            var x = TF.Placeholder(DType.Float32, [-1, 784]);
            var labels = TF.Placeholder(DType.Float32, [-1, 10]);
            Tensor Layer(Tensor input, int inputs, int outputs, int seed, bool relu)
            {
                var w = TF.GetVariable($"w{seed}", [inputs, outputs], initializer: TF.GlorotUniformInitializer(seed: seed));
                var b = TF.GetVariable($"b{seed}", [outputs], initializer: TF.ZerosInitializer());
                var y = TF.MatMul(input, w) + b;
                return relu ? TF.Relu(y) : y;
            }
            var logits = Layer(Layer(Layer(x, 784, 256, 1, true), 256, 256, 2, true), 256, 10, 3, false);
            loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
            train = new GradientDescentOptimizer(0.05).Minimize(loss);
            init = TF.GlobalVariablesInitializer();
            feed = new FeedDict { [x] = NDArray.FromArray(xs, [batch, 784]), [labels] = NDArray.FromArray(onehot, [batch, 10]) };
        }
        using var executor = new Session(g, new SessionOptions { ExecutorOnly = true });
        using var local = new Session(g);
        executor.Run(init);
        local.Run(init);

        var model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10));
        var sgd = optim.SGD(model.parameters(), 0.05);
        var criterion = nn.CrossEntropyLoss();
        var tx = tensor(xs, [batch, 784]);
        var ty = tensor(classes);

        double Ours(Session s)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++) s.Run([loss, train], feed);
            return steps * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        double Torch()
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                sgd.zero_grad();
                criterion.forward(model.forward(tx), ty).backward();
                sgd.step();
            }
            return steps * batch / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        var stats = Measure.Interleaved([Torch, () => Ours(executor), () => Ours(local)], warmup: 2, trials);
        var torchRow = report.Add("mlp_samples_per_s", [("runtime", "libtorch eager"), ("batch", batch)], stats[0], "samples/s");
        report.Add("mlp_samples_per_s", [("runtime", "actorgraph executor"), ("batch", batch)], stats[1], "samples/s", torchRow);
        report.Add("mlp_samples_per_s", [("runtime", "actorgraph local 1/1"), ("batch", batch)], stats[2], "samples/s", torchRow);
    }

    // The seed's loop: y = m·x + b on scalars, squared error, gradient descent, one step per Run.
    static void SeedLoop(Report report, int steps, int trials)
    {
        var g = new Graph();
        Tensor loss, x, y;
        Operation train, init;
        using (g.AsDefault())
        {
            var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
            var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
            x = TF.Placeholder(DType.Float32);
            y = TF.Placeholder(DType.Float32);
            loss = TF.Square(y - (m * x + b));
            train = new GradientDescentOptimizer(1e-3).Minimize(loss);
            init = TF.GlobalVariablesInitializer();
        }
        using var executor = new Session(g, new SessionOptions { ExecutorOnly = true });
        executor.Run(init);
        var tm = nn.Parameter(zeros(1));
        var tb = nn.Parameter(zeros(1));
        var sgd = optim.SGD(new[] { tm, tb }, 1e-3);
        var rng = new Random(1);

        double Ours()
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                float input = rng.NextSingle();
                executor.Run([loss, train], new FeedDict { [x] = input, [y] = 0.3f * input + 0.7f });
            }
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        }
        double Torch()
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                float input = rng.NextSingle();
                sgd.zero_grad();
                (0.3f * input + 0.7f - (tm * input + tb)).square().sum().backward();
                sgd.step();
            }
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps;
        }
        var stats = Measure.Interleaved([Torch, Ours], warmup: 1, trials);
        var torchRow = report.Add("seed_step_us", [("runtime", "libtorch eager")], stats[0], "us");
        report.Add("seed_step_us", [("runtime", "actorgraph executor")], stats[1], "us", torchRow);
    }

    static void Sgemm(Report report, int n, int trials)
    {
        var a = new float[n * n];
        var b = new float[n * n];
        var c = new float[n * n];
        var rng = new Random(2);
        for (int i = 0; i < a.Length; i++) (a[i], b[i]) = (rng.NextSingle(), rng.NextSingle());
        var ta = tensor(a, [n, n]);
        var tb = tensor(b, [n, n]);
        double flops = 2.0 * n * n * n;
        int reps = Math.Max(1, (int)(2e10 / flops));
        double Ours()
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++) Kernels.Gemm.Multiply(n, n, n, a, n, false, b, n, false, c, n);
            return reps * flops / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
        }
        double Torch()
        {
            long start = Stopwatch.GetTimestamp();
            for (int r = 0; r < reps; r++)
            {
                using var product = ta.mm(tb);
            }
            return reps * flops / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
        }
        var stats = Measure.Interleaved([Torch, Ours], warmup: 1, trials);
        var torchRow = report.Add("sgemm_gflops", [("runtime", "libtorch"), ("n", n)], stats[0], "GFLOP/s");
        report.Add("sgemm_gflops", [("runtime", "actorgraph Gemm"), ("n", n)], stats[1], "GFLOP/s", torchRow);
    }
}
