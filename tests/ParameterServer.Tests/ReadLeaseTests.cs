using ActorGraph.Execution;
using ActorGraph.Messaging;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.ParameterServer.Tests;

// In-process (no serialization): lent reads are the shard's own arrays, so what it writes while they are out shows.
public sealed class ReadLeaseTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly Config InProcess = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.serialize-messages = off
        """).WithFallback(ActorGraphSerialization.Hocon);

    private readonly IActorRef _shard;
    private readonly TestProbe _reader;
    private readonly TestProbe _other;

    public ReadLeaseTests() : base(InProcess)
    {
        _shard = Sys.ActorOf(ShardActor.Props(0));
        _reader = CreateTestProbe();
        _other = CreateTestProbe();
        Apply(_other, 0, new(UpdateKind.Assign, "w", [], [Filled(1024, 1f)]), new(UpdateKind.Assign, "s", [], [Filled(4, 1f)]));
    }

    private static NDArray Filled(int n, float value) => Enumerable.Repeat(value, n).ToArray();

    private void Apply(TestProbe sender, long step, params WireUpdate[] updates)
    {
        sender.Send(_shard, new ApplyUpdates(step, updates, []));
        sender.ExpectMsg<UpdatesApplied>(Wait);
    }

    private VariablesRead Read(TestProbe reader, long step, params string[] names)
    {
        reader.Send(_shard, new ReadVariables(step, names, Lend: true));
        return reader.ExpectMsg<VariablesRead>(Wait);
    }

    private static WireUpdate AddOne(string variable, int n) => new(UpdateKind.AssignAdd, variable, [], [Filled(n, 1f)]);

    [Fact]
    public void A_lent_array_is_not_written_while_out_and_is_written_in_place_once_back()
    {
        var read = Read(_reader, 1, "w", "s");
        Assert.True(read.Lent);
        var lent = read.Values[0]!;
        Apply(_other, 2, AddOne("w", 1024));
        Assert.All(lent.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(Read(_other, 3, "w").Values[0]!.ToArray<float>(), v => Assert.Equal(2f, v));
        _other.Send(_shard, new ReleaseReads(3));

        // The reader's own ApplyUpdates gives back its reads first: its update then writes the live array in place.
        var live = Read(_reader, 4, "w").Values[0]!;
        _reader.Send(_shard, new ReleaseReads(1));
        Apply(_reader, 4, AddOne("w", 1024));
        Assert.All(live.ToArray<float>(), v => Assert.Equal(3f, v));
        Assert.Same(live, Read(_other, 5, "w").Values[0]);
    }

    [Fact]
    public void A_released_array_is_reused_by_the_next_copy_on_write()
    {
        var first = Read(_reader, 1, "w").Values[0]!;
        Apply(_other, 2, AddOne("w", 1024));
        _reader.Send(_shard, new ReleaseReads(1));
        var second = Read(_reader, 3, "w").Values[0]!;
        Assert.NotSame(first, second);
        Apply(_other, 4, AddOne("w", 1024));
        Assert.Same(first, Read(_other, 5, "w").Values[0]);
        Assert.All(first.ToArray<float>(), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void Small_variables_are_copied_rather_than_lent()
    {
        var read = Read(_reader, 1, "s");
        Assert.False(read.Lent);
        Apply(_other, 2, AddOne("s", 4));
        Assert.All(read.Values[0]!.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void The_leases_of_a_reader_that_stopped_end_with_it()
    {
        var doomed = CreateTestProbe();
        var lent = Read(doomed, 1, "w").Values[0]!;
        Watch(doomed.Ref);
        Sys.Stop(doomed.Ref);
        ExpectTerminated(doomed.Ref, Wait);
        AwaitAssert(() =>
        {
            Apply(_other, 2, AddOne("w", 1024));
            Assert.Same(lent, Read(_other, 3, "w").Values[0]);
            _other.Send(_shard, new ReleaseReads(3));
        }, Wait);
    }

    [Fact]
    public void An_operand_that_is_a_lent_array_is_the_value_read_even_when_the_batch_updated_it_first()
    {
        var w = Read(_reader, 1, "w").Values[0]!;
        _reader.Send(_shard, new ApplyUpdates(1, [AddOne("w", 1024), new(UpdateKind.Assign, "v", [], [w])], []));
        _reader.ExpectMsg<UpdatesApplied>(Wait);
        Assert.All(Read(_other, 2, "v").Values[0]!.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(Read(_other, 3, "w").Values[0]!.ToArray<float>(), v => Assert.Equal(2f, v));
    }
}
