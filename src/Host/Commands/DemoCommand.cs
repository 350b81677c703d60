using System.CommandLine;
using System.Diagnostics;
using ActorGraph.Host.Cli;
using Microsoft.Extensions.Logging;

namespace ActorGraph.Host.Commands;

// `actorgraph demo`: the seed's linear regression, y = m·x + b learned by gradient descent, one
// step per Run, as the seed writes it.
internal static class DemoCommand
{
    private const int ReportEvery = 1024;

    public static Command Create()
    {
        var steps = CommonOptions.Positive("--steps", 100_000, "Training steps, one sess.Run([loss, trainOp]) each");
        var workers = CommonOptions.Positive("--workers", 1, "Worker actors in local mode");
        var ps = CommonOptions.Positive("--ps", 1, "Parameter-server actors in local mode");
        var cluster = CommonOptions.Cluster();
        var command = new Command("demo", "The seed's linear regression: learns m and b of y = m·x + b, then prints the true and the learned values")
        {
            steps, workers, ps, cluster,
        };
        command.SetAction(parsed =>
        {
            CommonOptions.RefuseCluster(parsed.GetValue(cluster));
            using var logging = CommonOptions.Logging(parsed);
            return Run(parsed.GetValue(steps), parsed.GetValue(workers), parsed.GetValue(ps), logging);
        });
        return command;
    }

    private static int Run(int steps, int workers, int ps, ILoggerFactory logging)
    {
        var log = logging.CreateLogger("demo");
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var model = LinearRegression.Build();
        log.LogDebug("Built the graph: {Count} operations", graph.Operations.Count);

        using var sess = new Session(graph, new SessionOptions { Workers = workers, ParameterServers = ps, Logger = logging.CreateLogger("session") });
        sess.Run(model.Init);
        var rng = new Random();
        float trueM = rng.NextSingle(), trueB = rng.NextSingle();
        var clock = Stopwatch.StartNew();
        Progress.Run("training", steps, progress =>
        {
            double windowLoss = 0;
            int window = 0;
            for (int i = 0; i < steps; i++)
            {
                float input = rng.NextSingle();
                var r = sess.Run([model.Loss, model.TrainOp], new FeedDict { [model.X] = input, [model.Y] = trueM * input + trueB });
                windowLoss += r[0]!.ToScalar<float>();
                window++;
                if ((i + 1) % ReportEvery == 0 || i == steps - 1)
                {
                    progress.Update(i + 1, $"loss {windowLoss / window:G4}  {(i + 1) / clock.Elapsed.TotalSeconds:N0} steps/s");
                    windowLoss = 0;
                    window = 0;
                }
            }
            return 0;
        });
        clock.Stop();
        var learned = sess.Run([model.M, model.B]);
        Console.WriteLine($"True parameters: m={trueM:F4}, b={trueB:F4}");
        Console.WriteLine($"Learned parameters: m={learned[0]!.ToScalar<float>():F4}, b={learned[1]!.ToScalar<float>():F4}");
        Console.WriteLine($"{steps} steps in {clock.Elapsed.TotalSeconds:F2} s ({steps / clock.Elapsed.TotalSeconds:N0} steps/s, {workers} worker(s), {ps} parameter server(s), local mode)");
        return ExitCodes.Ok;
    }
}

// The seed's regression graph, shared by the demo and the `graph` command's picture of it.
internal sealed record LinearRegression(Variable M, Variable B, Operation Init, Tensor X, Tensor Y, Tensor Loss, Operation TrainOp)
{
    public static LinearRegression Build()
    {
        var m = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
        var b = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
        var init = TF.GlobalVariablesInitializer();
        var x = TF.Placeholder(DType.Float32);
        var y = TF.Placeholder(DType.Float32);
        var yGuess = m * x + b;
        var loss = TF.Square(y - yGuess);
        var trainOp = new GradientDescentOptimizer(1e-3).Minimize(loss);
        return new LinearRegression(m, b, init, x, y, loss, trainOp);
    }
}
