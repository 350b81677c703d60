using ActorGraph.Ops;
using Xunit;

namespace ActorGraph.GraphTests.Core;

// Who may still write an array, and what keeping it takes: the array itself, taken from its owner, or a copy.
public class ArrayOwnerTests
{
    private static KernelContext KernelOf(Graph g)
    {
        using var scope = g.AsDefault();
        return new KernelContext(TF.Constant(1f).Op);
    }

    [Fact]
    public void A_kernel_writes_its_buffer_again_next_step_until_someone_keeps_it()
    {
        var kernel = KernelOf(new Graph());
        var first = kernel.Allocate(0, DType.Float32, new Shape(3));
        Assert.IsType<KernelBuffer>(first.Owner);
        Assert.Same(first, kernel.Allocate(0, DType.Float32, new Shape(3)));

        var kept = first.ToKeep();

        Assert.Same(first, kept);
        Assert.Same(ArrayOwner.None, kept.Owner);
        var next = kernel.Allocate(0, DType.Float32, new Shape(3));
        Assert.NotSame(first, next);
        Assert.IsType<KernelBuffer>(next.Owner);
    }

    // A lookup's rows change in number every step: the kernel's array serves any shape it can hold, and grows with
    // headroom when it cannot, so the steps after a few allocate nothing.
    [Fact]
    public void A_kernel_buffer_serves_a_smaller_shape_from_its_array_and_grows_with_headroom()
    {
        var kernel = KernelOf(new Graph());
        var first = kernel.Allocate(0, DType.Float32, new Shape(10, 4));
        var smaller = kernel.Allocate(0, DType.Float32, new Shape(6, 4));
        Assert.Same(first.RawArray, smaller.RawArray);
        Assert.Equal((24, 24), (smaller.Length, smaller.Span<float>().Length));
        Assert.IsType<KernelBuffer>(smaller.Owner);

        var larger = kernel.Allocate(0, DType.Float32, new Shape(12, 4));
        Assert.NotSame(first.RawArray, larger.RawArray);
        Assert.Equal(48 + 12, larger.RawArray.Length);
        Assert.Same(larger.RawArray, kernel.Allocate(0, DType.Float32, new Shape(15, 4)).RawArray);
        // Another dtype, or a buffer someone kept, is a new array.
        Assert.NotSame(larger.RawArray, kernel.Allocate(0, DType.Int32, new Shape(2)).RawArray);
        var kept = kernel.Allocate(0, DType.Int32, new Shape(8)).ToKeep();
        Assert.NotSame(kept.RawArray, kernel.Allocate(0, DType.Int32, new Shape(4)).RawArray);
    }

    [Fact]
    public void A_kernel_buffer_kept_once_is_not_taken_from_the_kernel_again()
    {
        var kernel = KernelOf(new Graph());
        var first = kernel.Allocate(0, DType.Float32, new Shape(2));
        first.ToKeep();
        var second = kernel.Allocate(0, DType.Float32, new Shape(2));
        // Keeping the first again must not release the buffer the kernel has since taken instead.
        first.ToKeep();
        Assert.Same(second, kernel.Allocate(0, DType.Float32, new Shape(2)));
    }

    [Fact]
    public void A_variable_s_storage_is_kept_as_a_copy_that_later_writes_do_not_change()
    {
        var storage = new VariableStorage();
        NDArray value = new[] { 1f, 2f };
        value.OwnedBy(storage);

        var kept = value.ToKeep();
        value.Span<float>()[0] = 9f;

        Assert.NotSame(value, kept);
        Assert.Same(ArrayOwner.None, kept.Owner);
        Assert.Equal([1f, 2f], kept.ToArray<float>());
    }

    [Fact]
    public void A_copy_of_a_variable_s_storage_waits_for_the_update_that_holds_its_lock()
    {
        var storage = new VariableStorage();
        NDArray value = new[] { 1f, 2f };
        value.OwnedBy(storage);
        NDArray? kept = null;
        var keeper = new Thread(() => kept = value.ToKeep());
        lock (storage)
        {
            keeper.Start();
            Assert.False(keeper.Join(TimeSpan.FromMilliseconds(100)));
            value.Span<float>()[0] = 5f;
            value.Span<float>()[1] = 6f;
        }
        keeper.Join();
        Assert.Equal([5f, 6f], kept!.ToArray<float>());
    }

    [Fact]
    public void A_free_array_is_kept_as_it_is()
    {
        var value = NDArray.Zeros(DType.Int32, new Shape(4));
        Assert.Same(ArrayOwner.None, value.Owner);
        Assert.Same(value, value.ToKeep());
    }

    [Fact]
    public void A_pool_takes_back_only_its_own_arrays_once_and_none_that_someone_kept()
    {
        var pool = new PooledBuffer();
        var other = new PooledBuffer();
        NDArray received = new[] { 1f }, kept = new[] { 2f };
        received.OwnedBy(pool);
        kept.OwnedBy(pool);

        Assert.False(other.TakeBack(received));
        Assert.True(pool.TakeBack(received));
        Assert.Same(ArrayOwner.None, received.Owner);
        Assert.False(pool.TakeBack(received));

        Assert.Same(kept, kept.ToKeep());
        Assert.False(pool.TakeBack(kept));
    }
}
