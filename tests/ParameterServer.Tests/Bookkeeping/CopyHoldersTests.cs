using ActorGraph.Execution;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests.Bookkeeping;

// What readers on other nodes hold, by version, with readers named by strings: no ActorSystem.
public sealed class CopyHoldersTests
{
    private readonly VariableVersions _versions = new(start: 1000, epoch: 10);
    private readonly CopyHolders<string> _holders;
    private readonly ShardState _state = new(0, new Dictionary<string, NDArray> { ["w"] = Floats(1, 2), ["b"] = Floats(3) }, restarted: false);

    public CopyHoldersTests() => _holders = new CopyHolders<string>(_versions);

    private VariablesRead Read(ReaderCopies reader, long step, bool fresh = false, params string[] names)
    {
        var command = new ReadVariables(step, names, Fresh: fresh);
        return reader.Versioned(command, (VariablesRead)_state.Read(command));
    }

    private void Write(string name, float value)
    {
        var delta = Enumerable.Repeat(value, _state.ValueOf(name)!.Length).ToArray();
        _state.Apply(new UpdateApplied(1, new WireUpdate(UpdateKind.AssignAdd, name, [], [delta])));
        _versions.Written(name);
    }

    [Fact]
    public void A_reader_is_added_once_and_forgotten_when_it_stops()
    {
        _holders.GetOrAdd("worker1", out bool added);
        _holders.GetOrAdd("worker1", out bool again);
        Assert.Equal((true, false), (added, again));
        Assert.NotNull(_holders.Find("worker1"));
        _holders.Forget("worker1");
        Assert.Null(_holders.Find("worker1"));
    }

    [Fact]
    public void A_value_held_at_its_current_version_goes_as_the_version_alone()
    {
        var reader = _holders.GetOrAdd("worker1", out _);
        var first = Read(reader, 1, names: ["w", "b"]);
        Assert.Equal([10L, 10L], first.Versions!);
        Assert.All(first.Values, Assert.NotNull);
        var second = Read(reader, 2, names: ["w", "b"]);
        Assert.Equal([10L, 10L], second.Versions!);
        Assert.All(second.Values, Assert.Null);
    }

    [Fact]
    public void A_fresh_read_sends_the_values_again()
    {
        var reader = _holders.GetOrAdd("worker1", out _);
        Read(reader, 1, names: ["w"]);
        var fresh = Read(reader, 1, fresh: true, names: ["w"]);
        SameBits(Floats(1, 2), fresh.Values[0]);
    }

    [Fact]
    public void After_a_write_the_reader_is_pushed_what_it_read_that_changed_as_the_live_array()
    {
        var reader = _holders.GetOrAdd("worker1", out _);
        Read(reader, 1, names: ["w", "b"]);
        Assert.Null(reader.Changed(_state));
        Write("w", 1);
        var pushed = reader.Changed(_state)!;
        Assert.Equal(["w"], pushed.Names);
        Assert.Equal([_versions.Of("w")], pushed.Versions);
        Assert.Same(_state.ValueOf("w"), pushed.Values[0]);
        // Held now: neither pushed again nor sent with the next read.
        Assert.Null(reader.Changed(_state));
        Assert.Null(Read(reader, 2, names: ["w"]).Values[0]);
    }

    [Fact]
    public void A_fresh_read_does_not_change_what_is_pushed_after_the_step()
    {
        var reader = _holders.GetOrAdd("worker1", out _);
        Read(reader, 1, names: ["w"]);
        Read(reader, 1, fresh: true, names: ["b"]);
        Write("w", 1);
        Write("b", 1);
        Assert.Equal(["w"], reader.Changed(_state)!.Names);
    }

    [Fact]
    public void An_update_replayed_on_the_version_the_shard_applied_it_to_leaves_the_reader_holding_the_new_one()
    {
        var reader = _holders.GetOrAdd("worker1", out _);
        Read(reader, 1, names: ["w"]);
        long before = _versions.Of("w");
        var update = new WireUpdate(UpdateKind.GradientDescent, "w", [], [0.1f, Floats(1, 1)]);
        _versions.Written("w");
        Assert.Equal(_versions.Of("w"), reader.Replayed([before], 0, update, before));
        Assert.Null(reader.Changed(_state));
    }

    [Fact]
    public void An_update_is_not_replayed_on_another_version_nor_when_its_kind_has_slots()
    {
        var reader = _holders.GetOrAdd("worker1", out _);
        Read(reader, 1, names: ["w"]);
        long before = _versions.Of("w");
        var descent = new WireUpdate(UpdateKind.GradientDescent, "w", [], [0.1f, Floats(1, 1)]);
        var momentum = new WireUpdate(UpdateKind.Momentum, "w", ["w/Momentum"], [0.1f, Floats(1, 1), 0.9f]);
        Assert.Equal(0, reader.Replayed([before + 1], 0, descent, before + 1));
        Assert.Equal(0, reader.Replayed([before], 0, momentum, before));
        Assert.Equal(0, reader.Replayed([0, before], 0, descent, before));
        Assert.Equal(0, reader.Replayed([before], 1, descent, before));
        Assert.Equal(0, reader.Replayed([before], 0, descent with { Variable = "b" }, before));
    }
}
