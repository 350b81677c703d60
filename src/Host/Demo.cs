using System.Diagnostics;

namespace ActorGraph.Host;

// The seed's linear regression, step for step: y = m·x + b learned by gradient descent.
internal static class Demo
{
    public static int Run(string[] args)
    {
        int steps = 100_000;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--steps" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0) { steps = n; i++; }
            else { Console.Error.WriteLine($"demo: unknown option '{args[i]}'. Usage: actorgraph demo [--steps N]"); return 2; }
        }
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var yGuess = m * x + b;
        var loss = TF.Square(y - yGuess);
        var trainOp = new GradientDescentOptimizer(1e-3).Minimize(loss);

        using var sess = new Session(graph);
        sess.Run(init);
        var rng = new Random();
        float trueM = rng.NextSingle(), trueB = rng.NextSingle();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            float input = rng.NextSingle();
            var r = sess.Run([loss, trainOp], new FeedDict { [x] = input, [y] = trueM * input + trueB });
            if (i < 5 || i % (steps / 10) == 0 || i == steps - 1) Console.WriteLine($"{i} {r[0]}");
        }
        clock.Stop();
        var learned = sess.Run([m, b]);
        Console.WriteLine($"True parameters: m={trueM:F4}, b={trueB:F4}");
        Console.WriteLine($"Learned parameters: m={learned[0]!.ToScalar<float>():F4}, b={learned[1]!.ToScalar<float>():F4}");
        Console.WriteLine($"{steps} steps in {clock.Elapsed.TotalSeconds:F2} s ({clock.Elapsed.TotalMicroseconds / steps:F2} µs/step)");
        return 0;
    }
}
