using ActorGraph.Messaging;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Worker.Tests;

// A worker alone: a probe is its shard, another its step's gatherer, partitions are written by hand.
public class WorkerActorTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly Config Actors = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.serialize-messages = on
        """).WithFallback(ActorGraphSerialization.Hocon);

    private readonly TestProbe _shard;
    private readonly TestProbe _gatherer;
    private readonly IActorRef _worker;

    public WorkerActorTests() : base(Actors)
    {
        _shard = CreateTestProbe();
        _gatherer = CreateTestProbe();
        _worker = Sys.ActorOf(WorkerActor.Props(0), "worker-0");
    }

    private RegisterPartition SeedPartition(int planId = 1) => Partitions.Seed(_shard.Ref, _worker, planId);

    private static string Path(IActorRef actor) => Partitions.Path(actor);

    [Fact]
    public void Worker_runs_once_the_shards_reads_are_in_and_sends_the_steps_updates_in_one_ApplyUpdates()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(7, 1, [1f, 3f]));
        _shard.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _shard.Send(_worker, new VariablesRead(7, [1f, 0f]));
        var apply = _shard.ExpectMsg<ApplyUpdates>(Wait);
        Assert.Equal(7, apply.StepId);
        Assert.Equal(["m", "b"], apply.Updates.Select(u => u.Variable).Order(StringComparer.Ordinal).Reverse());
        Assert.All(apply.Updates, u => Assert.Equal(Execution.UpdateKind.GradientDescent, u.Kind));
        // Nothing fetches the updated variables, so no copy of them comes back.
        Assert.Empty(apply.Wanted!);
        _gatherer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _shard.Reply(new UpdatesApplied(7, []));
        var done = _gatherer.ExpectMsg<PartitionSucceeded>(Wait);
        Assert.Equal(7, done.StepId);
        Assert.Equal([0], done.FetchIndices);
        // loss = (3 - (1·1 + 0))² = 4
        Assert.Equal(4f, done.Values[0]!.ToScalar<float>());
        _shard.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Worker_takes_reads_that_arrive_before_RunPartition()
    {
        _worker.Tell(SeedPartition());
        _shard.Send(_worker, new VariablesRead(8, [1f, 0f]));
        _gatherer.Send(_worker, new RunPartition(8, 1, [2f, 2f]));
        _shard.ExpectMsg<ApplyUpdates>(Wait);
        _shard.Reply(new UpdatesApplied(8, []));
        Assert.Equal(0f, _gatherer.ExpectMsg<PartitionSucceeded>(Wait).Values[0]!.ToScalar<float>());
    }

    [Fact]
    public void Worker_fails_with_tensorflows_text_when_a_variable_it_reads_is_uninitialized()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(9, 1, [1f, 1f]));
        _shard.Send(_worker, new VariablesRead(9, [null, 0f]));
        var failed = _gatherer.ExpectMsg<PartitionFailed>(Wait);
        Assert.Equal(ErrorCodes.FailedPrecondition, failed.ErrorCode);
        Assert.StartsWith("Attempting to use uninitialized value m", failed.Message);
        _shard.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Worker_passes_the_shards_refusal_through_unchanged()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(10, 1, [1f, 1f]));
        _shard.Send(_worker, new VariablesRead(10, [1f, 1f]));
        _shard.ExpectMsg<ApplyUpdates>(Wait);
        _shard.Reply(new ShardRequestFailed(10, ErrorCodes.InvalidArgument, "refused"));
        var failed = _gatherer.ExpectMsg<PartitionFailed>(Wait);
        Assert.Equal((ErrorCodes.InvalidArgument, "refused"), (failed.ErrorCode, failed.Message));
    }

    [Fact]
    public void Worker_drops_what_arrives_for_an_aborted_step()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(11, 1, [1f, 1f]));
        _worker.Tell(new AbortStep(11));
        _shard.Send(_worker, new VariablesRead(11, [1f, 1f]));
        _shard.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _gatherer.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Worker_gives_lent_reads_back_to_a_shard_it_does_not_update_once_its_stages_ran()
    {
        _worker.Tell(Partitions.Seed(_shard.Ref, _worker, planId: 2, train: false));
        _gatherer.Send(_worker, new RunPartition(13, 2, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(13, [1f, 0f], Lent: true));
        Assert.Equal(13, _shard.ExpectMsg<ReleaseReads>(Wait).StepId);
        Assert.Equal(4f, _gatherer.ExpectMsg<PartitionSucceeded>(Wait).Values[0]!.ToScalar<float>());
    }

    [Fact]
    public void Worker_gives_back_lent_reads_of_an_aborted_step()
    {
        _worker.Tell(SeedPartition());
        _worker.Tell(new AbortStep(14));
        _shard.Send(_worker, new VariablesRead(14, [1f, 1f], Lent: true));
        Assert.Equal(14, _shard.ExpectMsg<ReleaseReads>(Wait).StepId);

        _shard.Send(_worker, new VariablesRead(15, [1f, 1f], Lent: true));
        _worker.Tell(new AbortStep(15));
        Assert.Equal(15, _shard.ExpectMsg<ReleaseReads>(Wait).StepId);
        _shard.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Worker_fails_the_step_at_once_when_a_message_of_it_breaks_a_handler_and_carries_on()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(16, 1, [1f, 1f]));
        _shard.Send(_worker, new VariablesRead(16, null!));
        var failed = _gatherer.ExpectMsg<PartitionFailed>(Wait);
        Assert.Equal((16L, ErrorCodes.Internal), (failed.StepId, failed.ErrorCode));
        Assert.Contains("/job:worker/task:0 failed on VariablesRead", failed.Message);

        _gatherer.Send(_worker, new RunPartition(17, 1, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(17, [1f, 0f]));
        _shard.ExpectMsg<ApplyUpdates>(Wait);
        _shard.Reply(new UpdatesApplied(17, []));
        Assert.Equal(4f, _gatherer.ExpectMsg<PartitionSucceeded>(Wait).Values[0]!.ToScalar<float>());
    }

    [Fact]
    public void Worker_answers_a_step_of_a_plan_it_does_not_know_with_an_error()
    {
        _gatherer.Send(_worker, new RunPartition(12, 99, []));
        var failed = _gatherer.ExpectMsg<PartitionFailed>(Wait);
        Assert.Contains("plan 99", failed.Message);
    }

    [Fact]
    public void Two_workers_pass_a_tensor_keyed_by_step_and_edge_even_when_it_arrives_first()
    {
        var other = Sys.ActorOf(WorkerActor.Props(1), "worker-1");
        string[] workers = [Path(_worker), Path(other)];
        var scalar = new[] { AttrDef.Of("dtype", DType.Float32), AttrDef.Of("shape", Shape.Scalar) };
        var sender = new PartitionStage(
            [Def("a", "Const", [], AttrDef.Of("value", (NDArray)3f)), Def("_Send/a_0/w1", "_Send", ["a:0"])],
            ["a", "_Send/a_0/w1"], [], [], [new StageSend("a:0", 0, 1)], []);
        var receiver = new PartitionStage(
            [Def("_Recv/a_0/w1", "_Recv", [], scalar), Def("two", "Const", [], AttrDef.Of("value", (NDArray)2f)),
             Def("b", "Mul", ["_Recv/a_0/w1:0", "two:0"])],
            ["two", "b"], [], [new StageRecv("_Recv/a_0/w1:0", 0)], [], [new StageFetch("b:0", 0)]);
        _worker.Tell(new RegisterPartition(3, [sender], [], [], [[]], [Path(_shard.Ref)], workers, 0, false, 0));
        other.Tell(new RegisterPartition(3, [receiver], [], [], [[]], [Path(_shard.Ref)], workers, 0, false, 1));
        _gatherer.Send(_worker, new RunPartition(20, 3, []));
        var first = _gatherer.ExpectMsg<PartitionSucceeded>(Wait);
        Assert.Empty(first.FetchIndices);
        _gatherer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _gatherer.Send(other, new RunPartition(20, 3, []));
        var second = _gatherer.ExpectMsg<PartitionSucceeded>(Wait);
        Assert.Equal(6f, second.Values[0]!.ToScalar<float>());
        Assert.Equal(other, _gatherer.LastSender);
    }

    private static OperationDef Def(string name, string type, string[] inputs, params AttrDef[] attrs) =>
        new(name, type, inputs, [], "", attrs);

    // Held copies (a shard on another node): values come once with their versions, later reads name the versions.
    // The worker applies its own plain-gradient-descent updates to its copies (ApplyUpdates.ReplayedOn); the shard
    // confirms which versions they became (UpdatesReplayed).
    [Fact]
    public void A_read_that_names_the_versions_the_worker_s_replays_became_runs_on_them()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(20, 1, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(20, [1f, 0f], Versions: [5, 6]));
        var apply = _shard.ExpectMsg<ApplyUpdates>(Wait);
        Assert.Equal(apply.Updates.Select(u => u.Variable == "m" ? 5L : 6L), apply.ReplayedOn!);
        _shard.Reply(new UpdatesApplied(20, []));
        _shard.Send(_worker, new UpdatesReplayed(["m", "b"], [5, 6], [7, 8]));
        Assert.Equal(4f, _gatherer.ExpectMsg<PartitionSucceeded>(Wait).Values[0]!.ToScalar<float>());

        // Step 20: residual 3 - (1·1 + 0) = 2, so m = 1 + 0.5·4 = 3 and b = 0 + 0.5·4 = 2.
        _gatherer.Send(_worker, new RunPartition(21, 1, [1f, 6f]));
        _shard.Send(_worker, new VariablesRead(21, [null, null], Versions: [7, 8]));
        // loss = (6 - (3·1 + 2))² = 1
        Assert.Equal(1f, LossOnceUpdatesApplied(21));
    }

    [Fact]
    public void A_replay_confirmed_for_another_version_than_its_own_is_not_used()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(24, 1, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(24, [1f, 0f], Versions: [5, 6]));
        _shard.ExpectMsg<ApplyUpdates>(Wait);
        _shard.Reply(new UpdatesApplied(24, []));
        // The shard applied m's update to version 4, not to the 5 this worker replayed it on; b's is confirmed.
        _shard.Send(_worker, new UpdatesReplayed(["m", "b"], [4, 6], [7, 8]));
        _gatherer.ExpectMsg<PartitionSucceeded>(Wait);

        _gatherer.Send(_worker, new RunPartition(25, 1, [1f, 6f]));
        _shard.Send(_worker, new VariablesRead(25, [null, null], Versions: [7, 8]));
        ExpectFreshRead(25, ["m"]);
        _shard.Reply(new VariablesRead(25, [4f], Versions: [7]));
        // loss = (6 - (4·1 + 2))² = 0, with the fresh m and the replayed b
        Assert.Equal(0f, LossOnceUpdatesApplied(25));
    }

    [Fact]
    public void A_replay_the_shard_never_confirms_leaves_the_worker_to_read_in_full()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(27, 1, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(27, [1f, 0f], Versions: [5, 6]));
        LossOnceUpdatesApplied(27);
        // No UpdatesReplayed (the shard refused the batch, or another writer came first): the copies read in step 27
        // were written by the replays, so even their old versions are not served from them.
        _gatherer.Send(_worker, new RunPartition(28, 1, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(28, [null, null], Versions: [5, 6]));
        ExpectFreshRead(28, ["m", "b"]);
        _shard.Reply(new VariablesRead(28, [1f, 0f], Versions: [5, 6]));
        Assert.Equal(4f, LossOnceUpdatesApplied(28));
    }

    // A replay writes a copy in place only when no other step may still read it: here step 31 waits for its read,
    // which names the version step 30 read and replayed.
    [Fact]
    public void A_step_still_waiting_for_its_read_keeps_the_copy_another_step_replays_on()
    {
        _worker.Tell(SeedPartition());
        _gatherer.Send(_worker, new RunPartition(30, 1, [1f, 3f]));
        _gatherer.Send(_worker, new RunPartition(31, 1, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(30, [1f, 0f], Versions: [5, 6]));
        Assert.Equal(30, _shard.ExpectMsg<ApplyUpdates>(Wait).StepId);
        _shard.Send(_worker, new VariablesRead(31, [null, null], Versions: [5, 6]));
        Assert.Equal(31, _shard.ExpectMsg<ApplyUpdates>(Wait).StepId);
        _shard.Send(_worker, new UpdatesApplied(30, []));
        _shard.Send(_worker, new UpdatesApplied(31, []));
        var done = new[] { _gatherer.ExpectMsg<PartitionSucceeded>(Wait), _gatherer.ExpectMsg<PartitionSucceeded>(Wait) };
        // Both ran on m = 1, b = 0: loss = (3 - 1)² = 4.
        Assert.All(done, d => Assert.Equal(4f, d.Values[0]!.ToScalar<float>()));
    }

    [Fact]
    public void Pushed_values_serve_the_next_read()
    {
        _worker.Tell(SeedPartition());
        _shard.Send(_worker, new VariablesPushed(["m", "b"], [11, 12], [2f, 0f]));
        _gatherer.Send(_worker, new RunPartition(22, 1, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(22, [null, null], Versions: [11, 12]));
        // loss = (3 - (2·1 + 0))² = 1
        Assert.Equal(1f, LossOnceUpdatesApplied(22));
    }

    [Fact]
    public void A_version_the_worker_does_not_hold_is_read_again_in_full()
    {
        _worker.Tell(SeedPartition());
        _shard.Send(_worker, new VariablesPushed(["m", "b"], [11, 12], [2f, 0f]));
        _gatherer.Send(_worker, new RunPartition(23, 1, [1f, 3f]));
        // m's version 13 is newer than the held 11 (a push that never came, or a worker that restarted).
        _shard.Send(_worker, new VariablesRead(23, [null, null], Versions: [13, 12]));
        ExpectFreshRead(23, ["m"]);
        _gatherer.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _shard.Reply(new VariablesRead(23, [3f], Versions: [13]));
        // loss = (3 - (3·1 + 0))² = 0, with the fresh m and the held b
        Assert.Equal(0f, LossOnceUpdatesApplied(23));
    }

    [Fact]
    public void Copies_no_partition_reads_any_more_are_dropped_and_read_again_in_full()
    {
        _worker.Tell(SeedPartition());
        _shard.Send(_worker, new VariablesPushed(["m", "b"], [11, 12], [2f, 0f]));
        // The session of plan 1 ended; plan 2 (another session's) reads the same variables later.
        _worker.Tell(new ForgetPartitions([1]));
        _worker.Tell(SeedPartition(planId: 2));
        _gatherer.Send(_worker, new RunPartition(26, 2, [1f, 3f]));
        _shard.Send(_worker, new VariablesRead(26, [null, null], Versions: [11, 12]));
        ExpectFreshRead(26, ["m", "b"]);
        _shard.Reply(new VariablesRead(26, [2f, 0f], Versions: [11, 12]));
        Assert.Equal(1f, LossOnceUpdatesApplied(26));
    }

    // The worker lacks held copies the shard named: it asks for exactly these again, in full.
    private void ExpectFreshRead(long step, string[] names)
    {
        var again = _shard.ExpectMsg<ReadVariables>(Wait);
        Assert.Equal(step, again.StepId);
        Assert.Equal(names, again.Names);
        Assert.True(again.Fresh);
    }

    // The seed partition's step ends: its updates go to the shard, which applies them; the loss comes back.
    private float LossOnceUpdatesApplied(long step)
    {
        Assert.Equal(step, _shard.ExpectMsg<ApplyUpdates>(Wait).StepId);
        _shard.Reply(new UpdatesApplied(step, []));
        var done = _gatherer.ExpectMsg<PartitionSucceeded>(Wait);
        Assert.Equal(step, done.StepId);
        return done.Values[0]!.ToScalar<float>();
    }
}
