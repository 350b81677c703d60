using System.Diagnostics;

namespace ActorGraph.Bench.Harness;

// A model's training step run `steps` times per trial on one fed batch: samples/s per trial, and the process's
// CPU time per step beside it (steadier than wall time on a crowded machine).
public sealed class TrainingStepLoop : IDisposable
{
    private readonly Session _session;
    private readonly Tensor _loss;
    private readonly Operation _train;
    private readonly FeedDict _feed;
    private readonly int _batch, _steps;

    public TrainingStepLoop(Graph graph, Operation init, Tensor loss, Operation train, FeedDict feed, SessionOptions options, int batch, int steps)
    {
        (_loss, _train, _feed, _batch, _steps) = (loss, train, feed, batch, steps);
        _session = new Session(graph, options);
        _session.Run(init);
    }

    public List<double> CpuMsPerStep { get; } = [];

    public double Trial()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < _steps; i++) _session.Run([_loss, _train], _feed);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        CpuMsPerStep.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / _steps);
        return _steps * _batch / seconds;
    }

    public void Dispose() => _session.Dispose();
}
