using Akka.Actor;
using Akka.TestKit.Xunit2;
using ActorGraph.Worker;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Backup workers (DataParallelism.BackupAfter): a replica that stalls is left out of its step, the
// others' average applies, and the session warns which worker it was.
public class BackupWorkerTests() : TestKit(TestConfig.Actors)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_stalled_replica_is_left_out_and_the_session_says_which(bool synchronous)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [-1, 1]);
        var w = TF.GetVariable("w", [1, 1], initializer: TF.ZerosInitializer());
        var loss = TF.ReduceMean(TF.Square(TF.MatMul(x, w) - 1f));
        var train = new GradientDescentOptimizer(0.5).Minimize(loss);
        var log = new Warnings();
        using var sess = new Session(g, new SessionOptions
        {
            Workers = 2, ActorSystem = Sys, Logger = log,
            DataParallel = new DataParallelism { Synchronous = synchronous, BackupAfter = TimeSpan.FromMilliseconds(300) },
        });
        sess.Run(TF.GlobalVariablesInitializer());
        sess.Runtime.Workers[1].Tell(new StallWorker(2500));
        // Rows 1 and 1 go to worker 0, rows 3 and 3 to the stalled worker 1.
        sess.Run([train], new FeedDict { [x] = NDArray.FromArray(new[] { 1f, 1f, 3f, 3f }, [4, 1]) });
        // Worker 0's slice alone: the gradient of mean((w·1 - 1)²) at w = 0 is -2, so w = 0 + 0.5·2 = 1.
        Assert.Equal(1f, sess.Run(w).ToArray<float>()[0], 5);
        var warning = Assert.Single(log.Messages);
        Assert.Contains("/job:worker/task:1 left out", warning);
        Assert.Contains("1 of 2 replicas", warning);
        // The stalled worker answers once it has woken and dropped its late slice: the test ends with no step in flight.
        var probe = CreateTestProbe();
        sess.Runtime.Workers[1].Tell(new Identify(null), probe.Ref);
        probe.ExpectMsg<ActorIdentity>(TestConfig.Wait);
    }

    private sealed class Warnings : ILogger
    {
        public List<string> Messages { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) lock (Messages) Messages.Add(formatter(state, exception));
        }
    }
}
