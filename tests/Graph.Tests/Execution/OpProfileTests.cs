using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Execution;

// The opt-in kernel stopwatch of bench `cnn --profile`: it counts an op's calls while started, none after.
public class OpProfileTests
{
    [Fact]
    public void A_started_profile_counts_each_kernel_call_by_op_and_a_stopped_one_counts_nothing()
    {
        var g = new Graph();
        Tensor product;
        using (g.AsDefault())
        {
            var a = TF.Constant(NDArray.FromArray(new float[64 * 64], [64, 64]));
            product = TF.MatMul(a, a, name: "profiled_matmul_3f9c");
        }
        var run = new LocalExecutor(g);

        OpProfile.Start();
        run.Run(product);
        run.Run(product);
        var times = OpProfile.Stop();
        var mine = Assert.Single(times, t => t.Name == "profiled_matmul_3f9c");
        Assert.Equal(("MatMul", 2L), (mine.Type, mine.Calls));
        Assert.True(mine.Milliseconds > 0);

        run.Run(product);
        OpProfile.Start();
        Assert.DoesNotContain(OpProfile.Stop(), t => t.Name == "profiled_matmul_3f9c");
        Assert.False(OpProfile.On);
    }
}
