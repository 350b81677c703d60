using ActorGraph.Execution;
using ActorGraph.Messaging;
using ActorGraph.Wire;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests;

public sealed class ShardStateTests
{
    public static TheoryData<UpdateKind, DType> KindsAndDTypes() => new()
    {
        { UpdateKind.Assign, DType.Float32 }, { UpdateKind.Assign, DType.Float64 }, { UpdateKind.Assign, DType.Int32 },
        { UpdateKind.Assign, DType.Int64 }, { UpdateKind.Assign, DType.Bool },
        { UpdateKind.AssignAdd, DType.Float32 }, { UpdateKind.AssignAdd, DType.Float64 }, { UpdateKind.AssignAdd, DType.Int32 }, { UpdateKind.AssignAdd, DType.Int64 },
        { UpdateKind.AssignSub, DType.Float32 }, { UpdateKind.AssignSub, DType.Float64 }, { UpdateKind.AssignSub, DType.Int32 }, { UpdateKind.AssignSub, DType.Int64 },
        { UpdateKind.GradientDescent, DType.Float32 }, { UpdateKind.GradientDescent, DType.Float64 },
        { UpdateKind.Momentum, DType.Float32 }, { UpdateKind.Momentum, DType.Float64 },
        { UpdateKind.Adam, DType.Float32 }, { UpdateKind.Adam, DType.Float64 },
    };

    [Theory]
    [MemberData(nameof(KindsAndDTypes))]
    public void Every_update_kind_gives_the_same_bits_as_the_in_process_store(UpdateKind kind, DType dtype)
    {
        var twin = new Twin();
        var random = new Random(42);
        var shape = new Shape(3, 4);
        twin.Assign("w", RandomArray(dtype, shape, random));
        string[] slots = kind switch
        {
            UpdateKind.Momentum => ["w/Momentum"],
            UpdateKind.Adam => ["w/Adam", "w/Adam_1", "beta1_power", "beta2_power"],
            _ => [],
        };
        foreach (var slot in slots)
            twin.Assign(slot, slot.StartsWith("beta") ? Scalar(dtype, slot == "beta1_power" ? 0.9 : 0.999) : NDArray.Zeros(dtype, shape));

        for (int step = 0; step < 3; step++)
        {
            var value = RandomArray(dtype, shape, random);
            NDArray[] operands = kind switch
            {
                UpdateKind.GradientDescent => [Scalar(dtype, 0.1), value],
                UpdateKind.Momentum => [Scalar(dtype, 0.1), value, Scalar(dtype, 0.9)],
                UpdateKind.Adam => [Scalar(dtype, 0.01), Scalar(dtype, 0.9), Scalar(dtype, 0.999), Scalar(dtype, 1e-8), value],
                _ => [value],
            };
            twin.Update(kind, "w", slots, operands);
        }
    }

    [Fact]
    public void Adam_advances_its_beta_powers_once_per_update()
    {
        var twin = new Twin();
        twin.Assign("w", Floats(1, 2));
        foreach (var slot in new[] { "m", "v" }) twin.Assign(slot, Floats(0, 0));
        twin.Assign("b1", 0.9f);
        twin.Assign("b2", 0.999f);
        for (int i = 0; i < 2; i++) twin.Update(UpdateKind.Adam, "w", ["m", "v", "b1", "b2"], 0.1f, 0.9f, 0.999f, 1e-8f, Floats(0.5f, -0.5f));
        Assert.Equal(0.9f * 0.9f * 0.9f, twin.Shard.ValueOf("b1")!.ToScalar<float>());
        Assert.NotEqual(0f, twin.Shard.ValueOf("m")!.ToArray<float>()[0]);
    }

    [Fact]
    public void Reading_an_uninitialized_variable_gives_null()
    {
        var shard = ShardState.Empty(0);
        var read = Assert.IsType<VariablesRead>(shard.Read(new ReadVariables(5, ["count"])));
        Assert.Equal(5, read.StepId);
        Assert.Null(Assert.Single(read.Values));
    }

    [Fact]
    public void Updating_an_uninitialized_variable_fails_with_tensorflows_text()
    {
        var failed = Rejected(ShardState.Empty(0), new WireUpdate(UpdateKind.AssignAdd, "count", [], [1]));
        Assert.Equal(ErrorCodes.FailedPrecondition, failed.ErrorCode);
        Assert.StartsWith("Attempting to use uninitialized value count", failed.Message);
        Assert.IsType<FailedPreconditionException>(failed.ToException());
    }

    [Fact]
    public void A_shard_that_lost_its_state_says_so_on_reads_and_updates()
    {
        var shard = ShardState.Lost(3);
        var read = Assert.IsType<ShardRequestFailed>(shard.Read(new ReadVariables(1, ["w"])));
        Assert.Equal(ErrorCodes.FailedPrecondition, read.ErrorCode);
        Assert.Equal("Attempting to use uninitialized value w: parameter server /job:ps/task:3 restarted and lost its state; " +
                     "run the initializer again, or restore a checkpoint (Saver.Restore)", read.Message);
        Assert.Contains("restarted", Rejected(shard, new WireUpdate(UpdateKind.AssignAdd, "w", [], [1f])).Message);
    }

    [Fact]
    public void An_optimizer_slot_that_is_uninitialized_is_named()
    {
        var shard = With(("w", Floats(1, 2)));
        var failed = Rejected(shard, new WireUpdate(UpdateKind.Momentum, "w", ["w/Momentum"], [0.1f, Floats(1, 1), 0.9f]));
        Assert.Equal(ErrorCodes.FailedPrecondition, failed.ErrorCode);
        Assert.StartsWith("Attempting to use uninitialized value w/Momentum", failed.Message);
    }

    public static TheoryData<WireUpdate, string> WrongUpdates() => new()
    {
        { new(UpdateKind.AssignAdd, "w", [], [Floats(1, 2, 3)]), "Parameters and update must be the same size" },
        { new(UpdateKind.AssignAdd, "w", [], [NDArray.FromArray([1.0, 2.0], new Shape(2))]), "AssignAdd of variable w: value is float64 but the variable is float32." },
        { new(UpdateKind.Assign, "w", [], [Floats(1, 2, 3)]), "Assign requires shapes of both tensors to match. lhs shape= [2] rhs shape= [3]" },
        { new(UpdateKind.Assign, "w", [], [Ints(1, 2)]), "Assign of variable w: the value is int32 but the variable is float32." },
        { new(UpdateKind.GradientDescent, "w", [], [0.1f, Floats(1)]), "var and delta do not have the same shape[2] [1]" },
        { new(UpdateKind.GradientDescent, "w", [], [Floats(0.1f, 0.2f), Floats(1, 1)]), "alpha is not a scalar: [2]" },
        { new(UpdateKind.GradientDescent, "w", [], [0.1, NDArray.FromArray([1.0, 1.0], new Shape(2))]), "alpha is float64 but the variable is float32" },
        { new(UpdateKind.Momentum, "w", ["acc3"], [0.1f, Floats(1, 1), 0.9f]), "var and accum do not have the same shape[2] [3]" },
        { new(UpdateKind.GradientDescent, "n", [], [1, Ints(1, 1)]), "GradientDescent of variable n: int32 variables cannot take this update." },
        { new(UpdateKind.AssignAdd, "flag", [], [true]), "AssignAdd of variable flag: bool variables cannot take this update." },
        { new(UpdateKind.GradientDescent, "w", [], [Floats(1, 1)]), "GradientDescent of variable w takes 2 operands (alpha, delta), got 1." },
        { new(UpdateKind.Momentum, "w", [], [0.1f, Floats(1, 1), 0.9f]), "Momentum of variable w takes 1 slots (accum), got 0." },
        { new(UpdateKind.Momentum, "w", ["w"], [0.1f, Floats(1, 1), 0.9f]), "slot accum names w, which the update already writes." },
        { new((UpdateKind)99, "w", [], [1f]), "Unknown update kind 99 for variable w." },
        { new(UpdateKind.Assign, "w", [], [null!]), "Assign of variable w: operand value is missing." },
        { new(UpdateKind.Assign, "", [], [1f]), "names no variable" },
        { new(UpdateKind.Assign, "w", null!, [1f]), "takes 0 slots" },
    };

    [Theory]
    [MemberData(nameof(WrongUpdates))]
    public void A_wrong_update_is_refused_with_invalid_argument_and_no_events(WireUpdate update, string message)
    {
        var shard = With(("w", Floats(1, 2)), ("acc3", Floats(0, 0, 0)), ("n", Ints(1, 2)), ("flag", false));
        var failed = Rejected(shard, update);
        Assert.Equal(ErrorCodes.InvalidArgument, failed.ErrorCode);
        Assert.Contains(message, failed.Message);
        Assert.Equal([1f, 2f], shard.ValueOf("w")!.ToArray<float>());
    }

    [Fact]
    public void A_batch_is_refused_as_a_whole_when_any_update_is_wrong()
    {
        var shard = With(("w", Floats(1, 2)));
        var decision = shard.Decide(new ApplyUpdates(9, [new(UpdateKind.AssignAdd, "w", [], [Floats(1, 1)]), new(UpdateKind.AssignAdd, "w", [], [Floats(1)])]));
        Assert.Empty(decision.Events);
        Assert.Equal(9, decision.Rejection!.StepId);
        Assert.Equal([1f, 2f], shard.ValueOf("w")!.ToArray<float>());
    }

    [Fact]
    public void A_batch_may_initialize_a_variable_and_then_update_it()
    {
        var shard = ShardState.Empty(0);
        var decision = shard.Decide(new ApplyUpdates(1, [new(UpdateKind.Assign, "c", [], [5]), new(UpdateKind.AssignAdd, "c", [], [2])]));
        Assert.Null(decision.Rejection);
        foreach (var e in decision.Events) shard = shard.Apply(e);
        Assert.Equal(7, shard.ValueOf("c")!.ToScalar<int>());
    }

    [Fact]
    public void Malformed_commands_are_refused_rather_than_thrown()
    {
        var shard = With(("w", Floats(1, 2)));
        Assert.Equal(ErrorCodes.InvalidArgument, shard.Decide(new ApplyUpdates(1, null!)).Rejection!.ErrorCode);
        Assert.Equal(ErrorCodes.InvalidArgument, shard.Decide(new ApplyUpdates(1, [null!])).Rejection!.ErrorCode);
        Assert.Equal(ErrorCodes.InvalidArgument, Assert.IsType<ShardRequestFailed>(shard.Read(new ReadVariables(1, null!))).ErrorCode);
        Assert.Equal(ErrorCodes.InvalidArgument, Assert.IsType<ShardRequestFailed>(shard.Read(new ReadVariables(1, ["w", null!]))).ErrorCode);
    }

    [Fact]
    public void Reads_are_copies_that_later_updates_do_not_change()
    {
        var shard = With(("w", Floats(1, 2)));
        var read = (VariablesRead)shard.Read(new ReadVariables(1, ["w"]));
        Apply(ref shard, new WireUpdate(UpdateKind.AssignAdd, "w", [], [Floats(10, 10)]));
        Assert.Equal([1f, 2f], read.Values[0]!.ToArray<float>());
        Assert.Equal([11f, 12f], shard.ValueOf("w")!.ToArray<float>());
    }

    [Fact]
    public void A_snapshot_restores_a_shard_that_continues_bit_identically()
    {
        var shard = With(("w", Floats(0.1f, 0.2f)), ("acc", Floats(0.3f, 0.4f)), ("step", 7L));
        var restored = (ShardState)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(shard), nameof(ShardState));
        var momentum = new WireUpdate(UpdateKind.Momentum, "w", ["acc"], [0.1f, Floats(0.7f, -0.3f), 0.9f]);
        Apply(ref shard, momentum);
        Apply(ref restored, momentum);
        foreach (var name in new[] { "w", "acc", "step" }) SameBits(shard.ValueOf(name), restored.ValueOf(name));
        Assert.Equal(shard.Task, restored.Task);
    }

    private static ShardState With(params (string Name, NDArray Value)[] variables)
    {
        var shard = ShardState.Empty(0);
        foreach (var (name, value) in variables) Apply(ref shard, new WireUpdate(UpdateKind.Assign, name, [], [value]));
        return shard;
    }

    private static void Apply(ref ShardState shard, WireUpdate update)
    {
        var decision = shard.Decide(new ApplyUpdates(1, [update]));
        Assert.Null(decision.Rejection);
        foreach (var e in decision.Events) shard = shard.Apply(e);
    }

    private static ShardRequestFailed Rejected(ShardState shard, WireUpdate update)
    {
        var decision = shard.Decide(new ApplyUpdates(1, [update]));
        Assert.Empty(decision.Events);
        return decision.Rejection ?? throw new Xunit.Sdk.XunitException("The update was accepted.");
    }

    private static NDArray Scalar(DType dtype, double v) => dtype switch
    {
        DType.Float32 => NDArray.Scalar((float)v),
        DType.Float64 => NDArray.Scalar(v),
        DType.Int32 => NDArray.Scalar((int)v),
        DType.Int64 => NDArray.Scalar((long)v),
        _ => NDArray.Scalar(v != 0),
    };

    private static NDArray RandomArray(DType dtype, Shape shape, Random random)
    {
        int n = (int)shape.Size;
        return dtype switch
        {
            DType.Float32 => NDArray.FromArray(Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), shape),
            DType.Float64 => NDArray.FromArray(Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray(), shape),
            DType.Int32 => NDArray.FromArray(Enumerable.Range(0, n).Select(_ => random.Next(-100, 100)).ToArray(), shape),
            DType.Int64 => NDArray.FromArray(Enumerable.Range(0, n).Select(_ => (long)random.Next(-100, 100) << 33).ToArray(), shape),
            _ => NDArray.FromArray(Enumerable.Range(0, n).Select(_ => random.Next(2) == 1).ToArray(), shape),
        };
    }

    // The same updates on the in-process store and on a shard; after each, both must hold the same bits.
    private sealed class Twin
    {
        private readonly Graph _graph = new();
        private readonly LocalVariableStore _local = new();
        private readonly Dictionary<string, Operation> _ops = [];

        public ShardState Shard = ShardState.Empty(0);

        public void Assign(string name, NDArray value)
        {
            using (_graph.AsDefault())
                _ops[name] = TF.GetVariable(name, value.Shape, value.DType, TF.ZerosInitializer()).Op;
            Update(UpdateKind.Assign, name, [], value);
        }

        public void Update(UpdateKind kind, string variable, string[] slots, params NDArray[] operands)
        {
            var update = new VariableUpdate(kind, _ops[variable], [.. slots.Select(s => _ops[s])], operands);
            var expected = _local.Update(update);
            var wire = WireUpdate.From(update);
            // Through the wire form too, as a remote shard would get it.
            wire = ((ApplyUpdates)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(new ApplyUpdates(1, [wire])), nameof(ApplyUpdates))).Updates[0];
            ShardStateTests.Apply(ref Shard, wire);
            SameBits(expected, Shard.ValueOf(variable));
            foreach (var slot in slots) SameBits(_local.Read(_ops[slot]), Shard.ValueOf(slot));
        }
    }
}
