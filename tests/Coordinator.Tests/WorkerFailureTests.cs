using ActorGraph.Coordinator.Tests.Support;
using ActorGraph.Worker;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// Real workers of a local session, hosted in the test's system, failing while a step is in flight.
public class WorkerFailureTests() : TestKit(GatedMailbox.Hocon.WithFallback(TestConfig.Actors))
{
    [Fact]
    public async Task A_worker_that_dies_mid_step_fails_that_step_naming_it_and_the_next_run_succeeds_on_the_rest()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor product, result;
        using (TF.Device("/job:worker/task:1")) product = TF.Constant(3) * TF.Constant(4);
        using (TF.Device("/job:worker/task:0")) result = product + TF.Constant(2);
        using var sess = new Session(g, new SessionOptions { Workers = 2, ActorSystem = Sys, StepTimeout = TimeSpan.FromSeconds(30) });
        Assert.Equal(14, sess.Run(result).ToScalar<int>());

        // Worker 1 takes no more messages: worker 0 runs its part and waits on the Recv from it.
        var victim = sess.Runtime.Workers[1];
        GatedMailbox.Close(victim);
        var run = Task.Run(() => sess.Run(result));
        await AwaitConditionAsync(() => Task.FromResult(GatedMailbox.Holds<RunPartition>(victim)), TestConfig.Wait);
        Sys.Stop(victim);

        // Well before the step's 30 s deadline.
        var e = await Assert.ThrowsAsync<UnavailableException>(() => run.WaitAsync(TestConfig.Wait));
        Assert.Contains("/job:worker/task:1", e.Message);
        Assert.Equal(14, sess.Run(result).ToScalar<int>());
        Assert.DoesNotContain("/job:worker/task:1", sess.Explain([result]).Placement.Values);
    }
}
