using ActorGraph.Execution;
using ActorGraph.Messaging;
using ActorGraph.Wire;
using MessagePack;
using Xunit;

namespace ActorGraph.ParameterServer.Tests;

// A generated Assign reaches the shard as its generator's definition; the shard draws the value before the batch
// is decided, and refuses a generator it cannot run, saying why.
public class DrawnInitialValuesTests
{
    private static OperationDef Normal(int seed) => new("table/Initializer/random", "RandomStandardNormal", [], [], "",
    [
        AttrDef.Of("dtype", DType.Float32), AttrDef.Of("offset", 0.0), AttrDef.Of("scale", 1.0),
        AttrDef.Of("seed", seed), AttrDef.Of("shape", Shape.Create([50, 4])),
    ]);

    private static ApplyUpdates Batch(params WireUpdate[] updates) => new(7, updates);

    [Fact]
    public void A_generated_assign_is_drawn_with_the_generators_kernel_and_seed()
    {
        var command = Batch(new WireUpdate(UpdateKind.Assign, "table", [], [], Generator: Normal(3)));
        // The batch travels as MessagePack: the generator's definition comes through whole.
        var options = ActorGraphSerializer.Options;
        var received = MessagePackSerializer.Deserialize<ApplyUpdates>(MessagePackSerializer.Serialize(command, options), options);

        var drawn = DrawnInitialValues.Drawn(received, "/job:ps/task:0", out var refusal);

        Assert.Null(refusal);
        var update = Assert.Single(drawn!.Updates);
        Assert.Null(update.Generator);
        Assert.Equal([50, 4], update.Operands.Single().Shape.ToArray());
        Assert.Equal(GeneratedInitialValues.Generate(Normal(3)).ToArray<float>(), update.Operands[0].ToArray<float>());
        Assert.NotEqual(GeneratedInitialValues.Generate(Normal(4)).ToArray<float>(), update.Operands[0].ToArray<float>());
    }

    [Fact]
    public void A_batch_without_generators_is_left_as_it_is()
    {
        var command = Batch(new WireUpdate(UpdateKind.Assign, "v", [], [NDArray.Scalar(1f)]));
        Assert.Same(command, DrawnInitialValues.Drawn(command, "/job:ps/task:0", out _));
    }

    [Theory]
    [InlineData(UpdateKind.AssignAdd, "Square", "only an Assign without operands")]
    [InlineData(UpdateKind.Assign, "Square", "cannot draw an initial value")]
    public void A_generator_the_shard_cannot_run_refuses_the_batch_naming_the_variable(UpdateKind kind, string type, string why)
    {
        var generator = Normal(1) with { Type = type };
        var command = Batch(new WireUpdate(UpdateKind.Assign, "v", [], [NDArray.Scalar(1f)]), new WireUpdate(kind, "table", [], [], Generator: generator));

        Assert.Null(DrawnInitialValues.Drawn(command, "/job:ps/task:1", out var refusal));

        Assert.Equal(ErrorCodes.InvalidArgument, refusal!.ErrorCode);
        Assert.Contains("/job:ps/task:1", refusal.Message);
        Assert.Contains("table", refusal.Message);
        Assert.Contains(why, refusal.Message);
    }
}
