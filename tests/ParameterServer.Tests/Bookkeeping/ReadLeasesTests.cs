using ActorGraph.Execution;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests.Bookkeeping;

// Live arrays lent to readers in the shard's process, with readers named by strings: no ActorSystem.
public sealed class ReadLeasesTests
{
    private static NDArray Large(float value) => Enumerable.Repeat(value, 1024).ToArray();

    private readonly ReadLeases<string> _leases = new();
    private readonly ShardState _state = new(0, new Dictionary<string, NDArray> { ["w"] = Large(1), ["s"] = Floats(1) }, restarted: false);

    private NDArray?[] LendRead(string reader, long step, params string[] names)
    {
        var read = (VariablesRead)_state.Read(new ReadVariables(step, names, Lend: true), ReadLeases<string>.Worth);
        _leases.Lend(reader, step, names, read.Values, _state);
        return read.Values;
    }

    [Fact]
    public void Only_arrays_of_4096_bytes_or_more_are_worth_lending()
    {
        Assert.True(ReadLeases<string>.Worth(Large(1)));
        Assert.False(ReadLeases<string>.Worth(Enumerable.Repeat(1f, 1023).ToArray()));
    }

    [Fact]
    public void Only_the_live_arrays_of_a_read_go_out_on_lease()
    {
        var values = LendRead("reader", 1, "w", "s");
        Assert.Same(_state.ValueOf("w"), values[0]);
        Assert.True(_leases.IsLent(values[0]!));
        Assert.False(_leases.IsLent(values[1]!));
        Assert.False(_leases.IsLent(_state.ValueOf("s")!));
    }

    [Fact]
    public void A_reader_is_watched_from_its_first_loan_until_it_stops()
    {
        var first = _state.ValueOf("w")!;
        Assert.True(_leases.Lend("reader", 1, ["w"], [first], _state));
        Assert.False(_leases.Lend("reader", 2, ["w"], [first], _state));
        _leases.ReleaseAll("reader");
        Assert.False(_leases.IsLent(first));
        Assert.Equal(0, _leases.Count);
        Assert.True(_leases.Lend("reader", 3, ["w"], [first], _state));
    }

    [Fact]
    public void A_lent_variable_moves_to_a_copy_before_it_is_written_and_the_lent_array_keeps_its_values()
    {
        var lent = LendRead("reader", 1, "w")[0]!;
        _leases.Unshare(_state, "w");
        _state.Apply(new UpdateApplied(1, new WireUpdate(UpdateKind.AssignAdd, "w", [], [Large(1)])));
        Assert.NotSame(lent, _state.ValueOf("w"));
        Assert.Equal(1f, lent.ToArray<float>()[0]);
        Assert.Equal(2f, _state.ValueOf("w")!.ToArray<float>()[0]);
    }

    [Fact]
    public void Once_released_the_old_array_is_where_the_next_copy_goes()
    {
        var lent = LendRead("reader", 1, "w")[0]!;
        _leases.Unshare(_state, "w");
        _leases.Release("reader", 1);
        Assert.False(_leases.IsLent(lent));
        LendRead("reader", 2, "w");
        _leases.Unshare(_state, "w");
        Assert.Same(lent, _state.ValueOf("w"));
    }

    [Fact]
    public void An_array_lent_twice_stays_lent_until_both_leases_end()
    {
        var lent = LendRead("reader", 1, "w")[0]!;
        LendRead("other", 1, "w");
        _leases.Release("reader", 1);
        Assert.True(_leases.IsLent(lent));
        _leases.Release("other", 1);
        Assert.False(_leases.IsLent(lent));
    }

    [Fact]
    public void An_operand_that_is_a_lent_array_is_copied_and_a_batch_without_one_is_left_as_it_is()
    {
        var lent = LendRead("reader", 1, "w")[0]!;
        var own = Large(3);
        var command = new ApplyUpdates(1, [new WireUpdate(UpdateKind.Assign, "v", [], [lent]), new WireUpdate(UpdateKind.Assign, "u", [], [own])]);
        var dealiased = _leases.Dealiased(command);
        Assert.NotSame(lent, dealiased.Updates[0].Operands[0]);
        SameBits(lent, dealiased.Updates[0].Operands[0]);
        Assert.Same(own, dealiased.Updates[1].Operands[0]);
        var clean = command with { Updates = [command.Updates[1]] };
        Assert.Same(clean, _leases.Dealiased(clean));
    }
}
