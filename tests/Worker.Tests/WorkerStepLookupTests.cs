using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using Akka.Actor;
using Xunit;

namespace ActorGraph.Worker.Tests;

// A stage's Gather that the shard serves: the ids go to the table's shard, never a read of the table, and the step
// answers only once the rows are back.
public class WorkerStepLookupTests
{
    private readonly PeerRef _self = new("worker-0");
    private readonly PeerRef _shard = new("shard-0");
    private readonly PeerRef _gatherer = new("gatherer");
    private readonly StepOutbox _outbox = new();

    private WorkerStep Start(long stepId, NDArray ids)
    {
        int[] idsShape = ids.Shape.Dims;
        var g = new Graph();
        using (g.AsDefault())
        {
            TF.GetVariable("table", [100, 4], initializer: TF.ZerosInitializer());
            TF.Placeholder(DType.Int32, idsShape, name: "ids");
        }
        var ops = g.ExportSince(0).Where(o => o.Name is "table" or "ids").ToArray();
        var stage = new PartitionStage(ops, [], [new StageFeed("ids:0", 0)], [], [], [],
            Lookups: [new StageLookup("ids:0", "table", [], Fetches: [0])]);
        var registration = new RegisterPartition(1, [stage], ["table"], [0], [[]], [Partitions.Path(_shard)], [Partitions.Path(_self)], 1, false, 0);
        var peers = new IActorRef[] { _self, _shard, _gatherer }.ToDictionary(Partitions.Path);
        var step = new WorkerStep(stepId, new HeldCopies(), new FakeSurroundings(_self), _outbox);
        step.Start(new PartitionProgram(registration, path => peers[path]), new RunPartition(stepId, 1, [ids]), _gatherer);
        return step;
    }

    private List<(IActorRef To, IActorGraphMessage Message)> Sent()
    {
        var sent = Enumerable.Range(0, _outbox.Count).Select(i => _outbox[i]).ToList();
        _outbox.Clear();
        return sent;
    }

    [Fact]
    public void The_ids_go_to_the_shard_and_the_rows_that_come_back_are_the_fetch()
    {
        var step = Start(3, NDArray.FromArray(new[] { 7, 9 }, [2]));
        bool ran = step.Advance();
        var sent = Sent();
        Assert.True(ran, string.Join("; ", sent.Select(m => m.Message.ToString())));
        var (to, message) = Assert.Single(sent);
        Assert.Same(_shard, to);
        var lookup = Assert.IsType<LookupRows>(message);
        Assert.Equal(("table", 1), (lookup.Variable, lookup.Request));
        Assert.Equal([7, 9], lookup.Ids.AsSpan<int>().ToArray());
        // Nothing else runs and nobody hears of the step until the rows are back.
        Assert.False(step.Advance());
        Assert.Empty(Sent());
        Assert.Equal(StepOutcome.Running, step.Outcome);

        var rows = NDArray.FromArray(new float[8], [2, 4]);
        step.OnRowsLookedUp(new RowsLookedUp(3, 1, rows));
        while (step.Advance()) { }
        Assert.Equal(StepOutcome.Succeeded, step.Outcome);
        var (gatherer, answer) = Assert.Single(Sent());
        Assert.Same(_gatherer, gatherer);
        Assert.Same(rows, Assert.IsType<PartitionSucceeded>(answer).Values[0]);
    }

    [Fact]
    public void Repeated_ids_go_to_the_shard_once_and_each_row_comes_back_at_every_position_that_asked()
    {
        var step = Start(4, NDArray.FromArray(new[] { 7, 9, 7, 7, 2, 9 }, [2, 3]));
        step.Advance();
        var lookup = Assert.IsType<LookupRows>(Assert.Single(Sent()).Message);
        Assert.Equal([7, 9, 2], lookup.Ids.AsSpan<int>().ToArray());

        // The shard's rows, one per unique id: row r holds r + 1 in each of its 4 columns.
        var rows = NDArray.FromArray(Enumerable.Range(0, 3).SelectMany(r => Enumerable.Repeat(r + 1f, 4)).ToArray(), [3, 4]);
        step.OnRowsLookedUp(new RowsLookedUp(4, 1, rows));
        while (step.Advance()) { }
        Assert.Equal(StepOutcome.Succeeded, step.Outcome);
        var fetched = Assert.IsType<PartitionSucceeded>(Assert.Single(Sent()).Message).Values[0]!;
        Assert.Equal([2, 3, 4], fetched.Shape.Dims);
        float[] expected = [.. new[] { 1f, 2f, 1f, 1f, 3f, 2f }.SelectMany(v => Enumerable.Repeat(v, 4))];
        Assert.Equal(expected, fetched.AsSpan<float>().ToArray());
    }
}
