using ActorGraph.Execution;
using Xunit;

namespace ActorGraph.GraphTests.Execution;

// What a plan's fetches are when they leave the run: the caller's to keep, except those it borrows (lendFrom on).
public class FetchOwnershipTests
{
    private static (CompiledPlan Plan, Tensor X) Doubling(Graph g, out Tensor doubled, out Tensor sent)
    {
        using var scope = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [4]);
        doubled = x * 2f;
        sent = x * 3f;
        var fed = new HashSet<Tensor>([x], ReferenceEqualityComparer<Tensor>.Instance);
        return (new CompiledPlan([doubled, sent], [doubled.Op, sent.Op], fed), x);
    }

    private static NDArray?[] Run(CompiledPlan plan, CompiledPlan.PlanInstance instance, Tensor x, float value, int lendFrom) =>
        plan.Run(instance, [new(x, (NDArray)new[] { value, value, value, value })], new StepContext(new LocalVariableStore(), TextWriter.Null), lendFrom);

    [Fact]
    public void A_fetch_is_taken_from_its_kernel_and_a_lent_one_is_written_again_by_the_next_run()
    {
        var (plan, x) = Doubling(new Graph(), out _, out _);
        var instance = plan.Rent();

        var first = Run(plan, instance, x, 1f, lendFrom: 1);
        var second = Run(plan, instance, x, 2f, lendFrom: 1);

        Assert.Same(ArrayOwner.None, first[0]!.Owner);
        Assert.NotSame(first[0], second[0]);
        Assert.Equal([2f, 2f, 2f, 2f], first[0]!.ToArray<float>());
        // The borrowed one is the kernel's buffer still: the caller keeps the instance out of use while it is lent.
        Assert.IsType<KernelBuffer>(first[1]!.Owner);
        Assert.Same(first[1], second[1]);
        Assert.Equal([6f, 6f, 6f, 6f], first[1]!.ToArray<float>());
    }

    [Fact]
    public void A_variable_fetched_from_a_local_store_is_a_copy_that_later_updates_leave_alone()
    {
        var g = new Graph();
        Tensor read;
        Operation add, init;
        using (g.AsDefault())
        {
            var v = TF.GetVariable("v", [2], initializer: TF.ZerosInitializer());
            init = v.Initializer;
            read = TF.Identity(v);
            add = TF.AssignAdd(v, TF.Constant(new[] { 1f, 1f })).Op;
        }
        var store = new LocalVariableStore();
        var fed = new HashSet<Tensor>(ReferenceEqualityComparer<Tensor>.Instance);
        var update = new CompiledPlan([], [add], fed);
        var fetch = new CompiledPlan([read], [read.Op], fed);
        var step = new StepContext(store, TextWriter.Null);
        new CompiledPlan([], [init], fed).Run([], step);
        update.Run([], step);
        var kept = fetch.Run([], step)[0]!;
        update.Run([], step);
        Assert.Equal([1f, 1f], kept.ToArray<float>());
    }
}
