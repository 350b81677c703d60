using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;
using Xunit;

namespace ActorGraph.Worker.Tests;

// A step alone, without an ActorSystem: what it asks to send after each message and each Advance.
public class WorkerStepTests
{
    private readonly PeerRef _self = new("worker-0");
    private readonly PeerRef _other = new("worker-1");
    private readonly PeerRef _shard = new("shard-0");
    private readonly PeerRef _gatherer = new("gatherer");
    private readonly HeldCopies _held = new();
    private readonly StepOutbox _outbox = new();
    private readonly FakeSurroundings _around;

    public WorkerStepTests() => _around = new FakeSurroundings(_self);

    private PartitionProgram Program(RegisterPartition registration)
    {
        var peers = new IActorRef[] { _self, _other, _shard, _gatherer }.ToDictionary(Partitions.Path);
        return new PartitionProgram(registration, path => peers[path]);
    }

    private WorkerStep Seed(long stepId, float x, float y, bool train = true)
    {
        var step = new WorkerStep(stepId, _held, _around, _outbox);
        step.Start(Program(Partitions.Seed(_shard, _self, train: train)), new RunPartition(stepId, 1, [x, y]), _gatherer);
        return step;
    }

    // What the step asked to send since the last look, each with its addressee.
    private List<(IActorRef To, IActorGraphMessage Message)> Sent()
    {
        var sent = Enumerable.Range(0, _outbox.Count).Select(i => _outbox[i]).ToList();
        _outbox.Clear();
        return sent;
    }

    private T SentOnly<T>(IActorRef to)
    {
        var (target, message) = Assert.Single(Sent());
        Assert.Same(to, target);
        return Assert.IsType<T>(message);
    }

    [Fact]
    public void A_step_runs_once_its_reads_are_in_then_sends_its_updates_and_answers_once_they_are_applied()
    {
        var step = Seed(1, 1f, 3f);
        Assert.False(step.Advance());
        Assert.Empty(Sent());

        step.OnVariablesRead(_shard, new VariablesRead(1, [1f, 0f]));
        Assert.True(step.Advance());
        Assert.Empty(Sent());
        Assert.True(step.Advance());
        var apply = SentOnly<ApplyUpdates>(_shard);
        Assert.Equal(["b", "m"], apply.Updates.Select(u => u.Variable).Order(StringComparer.Ordinal));
        Assert.Null(apply.Routing?.AckTo);
        Assert.False(step.Advance());
        Assert.Equal(StepOutcome.Running, step.Outcome);

        step.OnUpdatesApplied(_shard, []);
        Assert.Equal(StepOutcome.Succeeded, step.Outcome);
        var done = SentOnly<PartitionSucceeded>(_gatherer);
        // loss = (3 - (1·1 + 0))² = 4
        Assert.Equal((1L, 4f, 0), (done.StepId, done.Values[0]!.ToScalar<float>(), done.ShardAcks));
    }

    [Fact]
    public void Reads_that_came_before_RunPartition_are_taken_in_when_it_starts()
    {
        var step = new WorkerStep(2, _held, _around, _outbox);
        step.OnVariablesRead(_shard, new VariablesRead(2, [1f, 0f]));
        Assert.False(step.Advance());
        step.Start(Program(Partitions.Seed(_shard, _self)), new RunPartition(2, 1, [2f, 2f]), _gatherer);
        Assert.True(step.Advance());
        Assert.True(step.Advance());
        SentOnly<ApplyUpdates>(_shard);
    }

    [Fact]
    public void A_stage_that_fails_fails_the_step_with_the_executors_message()
    {
        var step = Seed(3, 1f, 1f);
        step.OnVariablesRead(_shard, new VariablesRead(3, [null, 0f]));
        Assert.False(step.Advance());
        Assert.Equal(StepOutcome.Failed, step.Outcome);
        var failed = SentOnly<PartitionFailed>(_gatherer);
        Assert.Equal(ErrorCodes.FailedPrecondition, failed.ErrorCode);
        Assert.StartsWith("Attempting to use uninitialized value m", failed.Message);
        Assert.False(step.Advance());
    }

    [Fact]
    public void A_failure_before_RunPartition_waits_for_it_and_gives_lent_reads_back()
    {
        var step = new WorkerStep(4, _held, _around, _outbox);
        step.OnVariablesRead(_shard, new VariablesRead(4, [1f, 0f], Lent: true));
        step.Fail(ErrorCodes.Unavailable, "shard restarted");
        Assert.Equal(4, SentOnly<ReleaseReads>(_shard).StepId);
        Assert.Equal((ErrorCodes.Unavailable, "shard restarted"), step.EarlyFailure);
    }

    [Fact]
    public void Lent_reads_go_back_to_a_shard_the_step_does_not_update_before_the_answer()
    {
        var step = Seed(5, 1f, 3f, train: false);
        step.OnVariablesRead(_shard, new VariablesRead(5, [1f, 0f], Lent: true));
        Assert.True(step.Advance());
        Assert.True(step.Advance());
        var sent = Sent();
        Assert.Equal([typeof(ReleaseReads), typeof(PartitionSucceeded)], sent.Select(s => s.Message.GetType()));
        Assert.Equal(StepOutcome.Succeeded, step.Outcome);
        // Abandoning a finished step gives nothing back twice.
        step.Abandon();
        Assert.Empty(Sent());
    }

    [Fact]
    public void With_its_shard_and_gatherer_on_other_nodes_the_step_answers_as_soon_as_its_updates_are_sent()
    {
        _around.Remote.UnionWith([_shard, _gatherer]);
        var step = Seed(6, 1f, 3f);
        step.OnVariablesRead(_shard, new VariablesRead(6, [1f, 0f]));
        Assert.True(step.Advance());
        Assert.True(step.Advance());
        var sent = Sent();
        var apply = Assert.IsType<ApplyUpdates>(sent[0].Message);
        Assert.Equal(_around.FullPath(_gatherer), apply.Routing?.AckTo);
        Assert.Equal(1, Assert.IsType<PartitionSucceeded>(sent[1].Message).ShardAcks);
        Assert.Equal(StepOutcome.Running, step.Outcome);

        step.OnUpdatesApplied(_shard, []);
        Assert.Equal(StepOutcome.Succeeded, step.Outcome);
        Assert.Empty(Sent());
    }

    [Fact]
    public void A_channel_that_is_not_open_keeps_the_answer_until_the_shard_applied_the_updates()
    {
        _around.Remote.UnionWith([_shard, _gatherer]);
        _around.ChannelOpen = false;
        var step = Seed(7, 1f, 3f);
        step.OnVariablesRead(_shard, new VariablesRead(7, [1f, 0f]));
        step.Advance();
        step.Advance();
        Assert.Null(SentOnly<ApplyUpdates>(_shard).Routing?.AckTo);
    }

    [Fact]
    public void A_held_version_the_worker_lacks_is_read_again_in_full_and_the_stage_waits_for_it()
    {
        _held.Keep(_shard, "b", 12, 0f);
        var step = Seed(8, 1f, 3f);
        step.OnVariablesRead(_shard, new VariablesRead(8, [null, null], Versions: [13, 12]));
        var again = SentOnly<ReadVariables>(_shard);
        Assert.Equal(["m"], again.Names);
        Assert.True(again.Fresh);
        Assert.False(step.Advance());

        step.OnVariablesRead(_shard, new VariablesRead(8, [3f], Versions: [13]));
        Assert.True(step.Advance());
        Assert.True(step.Advance());
        SentOnly<ApplyUpdates>(_shard);
        step.OnUpdatesApplied(_shard, []);
        // loss = (3 - (3·1 + 0))² = 0, with the fresh m and the held b
        Assert.Equal(0f, SentOnly<PartitionSucceeded>(_gatherer).Values[0]!.ToScalar<float>());
    }

    // Step: residual 3 - (1·1 + 0) = 2, so m = 1 + 0.5·4 = 3 and b = 0 + 0.5·4 = 2.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Replays_on_held_copies_come_after_the_updates_are_sent_and_write_in_place_only_when_no_other_step_runs(bool othersRunning)
    {
        _around.Remote.Add(_shard);
        _around.OthersRunning = othersRunning;
        var step = Seed(9, 1f, 3f);
        step.OnVariablesRead(_shard, new VariablesRead(9, [1f, 0f], Versions: [5, 6]));
        var m = _held.Find(_shard, "m", 5)!;
        Assert.True(step.Advance());
        Assert.True(step.Advance());
        var apply = SentOnly<ApplyUpdates>(_shard);
        Assert.Equal(apply.Updates.Select(u => u.Variable == "m" ? 5L : 6L), apply.ReplayedOn!);
        Assert.Same(m, _held.Find(_shard, "m", 5));
        Assert.Equal(1f, m.ToScalar<float>());

        Assert.False(step.Advance());
        // In place: the copy of version 5 is gone, and it holds the replay; else it is left as it was.
        if (othersRunning) Assert.Same(m, _held.Find(_shard, "m", 5));
        else Assert.Null(_held.Find(_shard, "m", 5));
        Assert.Equal(othersRunning ? 1f : 3f, m.ToScalar<float>());
        _held.Confirm(_shard, "m", 5, 7);
        Assert.Equal(3f, _held.Find(_shard, "m", 7)!.ToScalar<float>());
    }

    // Stage 0 sends a vector to worker 1; stage 1 (a constant) has nothing to wait for.
    private RegisterPartition SendingPartition()
    {
        var vector = new[] { AttrDef.Of("dtype", DType.Float32), AttrDef.Of("shape", new Shape(1024)) };
        var sends = new PartitionStage(
            [Def("x", "Placeholder", [], vector), Def("two", "Const", [], AttrDef.Of("value", (NDArray)2f)),
             Def("y", "Mul", ["x:0", "two:0"]), Def("_Send/y_0/w1", "_Send", ["y:0"])],
            ["y", "_Send/y_0/w1"], [new StageFeed("x:0", 0)], [], [new StageSend("y:0", 0, 1)], []);
        var constant = new PartitionStage([Def("c", "Const", [], AttrDef.Of("value", (NDArray)5f))], ["c"], [], [], [], [new StageFetch("c:0", 0)]);
        string[] workers = [Partitions.Path(_self), Partitions.Path(_other)];
        return new RegisterPartition(5, [sends, constant], [], [], [[]], [Partitions.Path(_shard)], workers, 1, false, 0);
    }

    private static OperationDef Def(string name, string type, string[] inputs, params AttrDef[] attrs) =>
        new(name, type, inputs, [], "", attrs);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_stage_s_tensors_leave_before_the_next_stage_runs_lent_in_process_and_given_away_to_another_node(bool remote)
    {
        if (remote) _around.Remote.Add(_other);
        var step = new WorkerStep(10, _held, _around, _outbox);
        step.Start(Program(SendingPartition()), new RunPartition(10, 5, [Enumerable.Repeat(1f, 1024).ToArray()]), _gatherer);
        Assert.True(step.Advance());
        var sent = SentOnly<TensorsSent>(_other).Values[0]!;
        Assert.All(sent.ToArray<float>(), v => Assert.Equal(2f, v));
        // Lent: still the kernel's buffer, which the plan reuses once the step has ended everywhere.
        if (remote) Assert.Same(ArrayOwner.None, sent.Owner);
        else Assert.IsType<KernelBuffer>(sent.Owner);
        Assert.True(step.Advance());
        Assert.Empty(Sent());
        Assert.True(step.Advance());
        var done = SentOnly<PartitionSucceeded>(_gatherer);
        Assert.Equal(5f, done.Values[0]!.ToScalar<float>());
        Assert.Equal(!remote, done.AwaitsEnd);
        Assert.Equal(!remote, step.LentTensors);
    }
}
