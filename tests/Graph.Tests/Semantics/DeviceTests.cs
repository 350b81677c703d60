using Xunit;

namespace ActorGraph.GraphTests.Semantics;

public class DeviceTests
{
    [Fact]
    public void Ops_created_inside_a_device_scope_record_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var before = TF.Constant(1);
        Tensor inside;
        using (TF.Device("/job:worker/task:1")) inside = TF.Constant(2);
        var after = TF.Constant(3);
        Assert.Equal("", before.Op.Device);
        Assert.Equal("/job:worker/task:1", inside.Op.Device);
        Assert.Equal("", after.Op.Device);
    }

    [Fact]
    public void The_innermost_device_scope_wins_and_the_outer_one_comes_back()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        Tensor a, b, c;
        using (TF.Device("/job:worker/task:0"))
        {
            a = TF.Constant(1);
            using (TF.Device("/job:ps/task:1")) b = TF.Constant(2);
            c = TF.Constant(3);
        }
        Assert.Equal(["/job:worker/task:0", "/job:ps/task:1", "/job:worker/task:0"], new[] { a, b, c }.Select(t => t.Op.Device));
    }

    [Fact]
    public void A_partial_spec_merges_into_the_enclosing_device_as_TensorFlow_merges_it()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.Device("/job:worker/task:2"))
        {
            using (TF.Device("/task:1")) Assert.Equal("/job:worker/task:1", TF.Constant(1).Op.Device);
            using (TF.Device("/job:ps")) Assert.Equal("/job:ps/task:2", TF.Constant(1).Op.Device);
            using (TF.Device("")) Assert.Equal("/job:worker/task:2", TF.Constant(1).Op.Device);
            using (TF.Device("/cpu:0")) Assert.Equal("/job:worker/task:2", TF.Constant(1).Op.Device);
        }
        using (TF.Device("/job:localhost/replica:0/task:0/device:CPU:0"))
            Assert.Equal("/job:worker/task:0", TF.Constant(1).Op.Device);
        using (TF.Device("/job:ps")) Assert.Equal("/job:ps/task:0", TF.Constant(1).Op.Device);
    }

    [Fact]
    public void Variables_are_placed_by_the_device_scope_they_are_created_in()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.Device("/job:ps/task:0"))
            Assert.Equal("/job:ps/task:0", TF.GetVariable("v", []).Op.Device);
    }

    [Theory]
    [InlineData("/gpu:0")]
    [InlineData("worker")]
    [InlineData("/job:chief/task:0")]
    [InlineData("/job:worker/task:x")]
    [InlineData("/task:1")]
    public void A_device_spec_the_runtime_cannot_place_is_refused_at_once(string spec)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var ex = Assert.Throws<ArgumentException>(() => TF.Device(spec));
        Assert.Contains(spec, ex.Message);
    }
}
