using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Xunit;

namespace ActorGraph.Coordinator.Tests;

// The coordinator alone: probes stand in for its workers, its shard and its client.
public class CoordinatorActorTests : TestKit
{
    // The deadline tests' step timeout; the others get a roomy one, so a slow machine's cold JIT never fails them.
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan RoomyTimeout = TimeSpan.FromSeconds(30);

    private readonly Graph _graph = new();
    private readonly TestProbe _client;
    private readonly TestProbe _shard;
    private int _sent;

    public CoordinatorActorTests() : base(TestConfig.Actors)
    {
        _client = CreateTestProbe();
        _shard = CreateTestProbe();
    }

    private (IActorRef Coordinator, TestProbe[] Workers) Start(int workers, TimeSpan? stepTimeout = null)
    {
        var probes = Enumerable.Range(0, workers).Select(_ => CreateTestProbe()).ToArray();
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(probes.Select(p => p.Ref).ToArray(), [_shard.Ref], stepTimeout ?? RoomyTimeout));
        return (coordinator, probes);
    }

    private RunStep Step(params string[] fetches)
    {
        var extend = _graph.ExportSince(_sent).ToArray();
        var step = new RunStep(_sent, extend, fetches, [], []);
        _sent = _graph.Version;
        return step;
    }

    private static RunPartition Running(TestProbe worker, bool registers = true)
    {
        if (registers) worker.ExpectMsg<RegisterPartition>(TestConfig.Wait);
        return worker.ExpectMsg<RunPartition>(TestConfig.Wait);
    }

    [Fact]
    public void A_coordinator_that_stops_tells_its_workers_to_forget_its_partitions()
    {
        var (coordinator, workers) = Start(1);
        using (_graph.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        _client.Send(coordinator, Step("add:0"));
        var register = workers[0].ExpectMsg<RegisterPartition>(TestConfig.Wait);
        var run = workers[0].ExpectMsg<RunPartition>(TestConfig.Wait);
        workers[0].Reply(new PartitionSucceeded(run.StepId, [0], [5], null));
        _client.ExpectMsg<StepSucceeded>(TestConfig.Wait);
        Sys.Stop(coordinator);   // the session closed
        var forget = workers[0].FishForMessage<ForgetPartitions>(_ => true, TestConfig.Wait);
        Assert.Equal([register.PlanId], forget.PlanIds);
    }

    [Fact]
    public void Coordinator_fails_the_step_with_deadline_exceeded_naming_the_worker_that_never_answers()
    {
        var (coordinator, workers) = Start(2, StepTimeout);
        using (_graph.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        _client.Send(coordinator, Step("add:0"));
        var run0 = Running(workers[0]);
        Running(workers[1]);
        workers[0].Reply(new PartitionSucceeded(run0.StepId, [0], [5], null));
        var failed = _client.ExpectMsg<StepFailed>(TestConfig.Wait);
        Assert.Equal(ErrorCodes.DeadlineExceeded, failed.ErrorCode);
        Assert.Contains("/job:worker/task:1", failed.Message);
        Assert.DoesNotContain("/job:worker/task:0", failed.Message);
        workers[1].ExpectMsg<AbortStep>(a => a.StepId == run0.StepId, TestConfig.Wait);
    }

    [Fact]
    public void Coordinator_times_out_a_single_worker_step_too()
    {
        var (coordinator, workers) = Start(1, StepTimeout);
        using (_graph.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _client.Send(coordinator, Step("add:0"));
        var run = Running(workers[0]);
        var failed = _client.ExpectMsg<StepFailed>(TestConfig.Wait);
        Assert.Equal(ErrorCodes.DeadlineExceeded, failed.ErrorCode);
        Assert.Contains("/job:worker/task:0", failed.Message);
        Assert.InRange(clock.Elapsed, StepTimeout, StepTimeout * 25);
        workers[0].ExpectMsg<AbortStep>(a => a.StepId == run.StepId, TestConfig.Wait);
    }

    [Fact]
    public void Coordinator_fails_the_step_with_unavailable_when_a_worker_dies_and_runs_the_next_on_the_rest()
    {
        var (coordinator, workers) = Start(2);
        using (_graph.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        _client.Send(coordinator, Step("add:0"));
        Running(workers[0]);
        Running(workers[1]);
        Sys.Stop(workers[1].Ref);
        var failed = _client.ExpectMsg<StepFailed>(TestConfig.Wait);
        Assert.Equal(ErrorCodes.Unavailable, failed.ErrorCode);
        Assert.Contains("/job:worker/task:1", failed.Message);
        // The step is aborted, and the plans made with the lost worker are forgotten.
        var cleanup = workers[0].ReceiveN(2, TestConfig.Wait).Select(m => m.GetType().Name).Order();
        Assert.Equal(["AbortStep", "ForgetPartitions"], cleanup);

        _client.Send(coordinator, Step("add:0"));
        var register = workers[0].ExpectMsg<RegisterPartition>(TestConfig.Wait);
        Assert.Equal(["Const", "Const_1", "add"], register.Stages.Single().Roots.Order(StringComparer.Ordinal));
        var run = workers[0].ExpectMsg<RunPartition>(TestConfig.Wait);
        workers[0].Reply(new PartitionSucceeded(run.StepId, [0], [5], null));
        Assert.Equal(5, _client.ExpectMsg<StepSucceeded>(TestConfig.Wait).Values[0]!.ToScalar<int>());
    }

    [Fact]
    public void Coordinator_fails_a_single_worker_step_when_its_worker_dies()
    {
        var (coordinator, workers) = Start(2);
        using (_graph.AsDefault()) TF.Constant(7);
        _client.Send(coordinator, Step("Const:0"));
        Running(workers[0]);
        Sys.Stop(workers[0].Ref);
        var failed = _client.ExpectMsg<StepFailed>(TestConfig.Wait);
        Assert.Equal(ErrorCodes.Unavailable, failed.ErrorCode);
        Assert.Contains("/job:worker/task:0", failed.Message);
        _client.Send(coordinator, Step("Const:0"));
        var run = Running(workers[1]);
        workers[1].Reply(new PartitionSucceeded(run.StepId, [0], [7], null));
        Assert.Equal(7, _client.ExpectMsg<StepSucceeded>(TestConfig.Wait).Values[0]!.ToScalar<int>());
    }

    [Fact]
    public void Coordinator_drops_late_replies_of_an_aborted_step()
    {
        // Aborted by its deadline.
        var (coordinator, workers) = Start(1, StepTimeout);
        using (_graph.AsDefault()) TF.Constant(7);
        _client.Send(coordinator, Step("Const:0"));
        var late = Running(workers[0]);
        _client.ExpectMsg<StepFailed>(TestConfig.Wait);
        workers[0].ExpectMsg<AbortStep>(TestConfig.Wait);
        workers[0].Reply(new PartitionSucceeded(late.StepId, [0], [7], null));
        workers[0].Reply(new PartitionFailed(late.StepId, ErrorCodes.Internal, "late", null));
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        _client.Send(coordinator, Step("Const:0"));
        var next = Running(workers[0], registers: false);
        Assert.NotEqual(late.StepId, next.StepId);
        workers[0].Reply(new PartitionSucceeded(late.StepId, [0], [1], null));
        workers[0].Reply(new PartitionSucceeded(next.StepId, [0], [7], null));
        var ok = _client.ExpectMsg<StepSucceeded>(TestConfig.Wait);
        Assert.Equal((next.StepId, 7), (ok.StepId, ok.Values[0]!.ToScalar<int>()));
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Coordinator_gathers_steps_in_flight_side_by_side_and_answers_each_client_once()
    {
        var (coordinator, workers) = Start(2);
        using (_graph.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        var other = CreateTestProbe();
        _client.Send(coordinator, Step("add:0"));
        var first = workers.Select(w => Running(w)).ToArray();
        other.Send(coordinator, Step("add:0"));
        var second = workers.Select(w => Running(w, registers: false)).ToArray();
        Assert.NotEqual(first[0].StepId, second[0].StepId);

        // Replies interleaved across the two steps, and the second step's finish first.
        workers[0].Send(workers[0].LastSender, new PartitionSucceeded(second[0].StepId, [], [], null));
        workers[1].Send(workers[1].LastSender, new PartitionSucceeded(first[1].StepId, [0], [5], null));
        workers[1].Send(workers[1].LastSender, new PartitionSucceeded(second[1].StepId, [0], [6], null));
        Assert.Equal(6, other.ExpectMsg<StepSucceeded>(TestConfig.Wait).Values[0]!.ToScalar<int>());
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        workers[0].Send(workers[0].LastSender, new PartitionSucceeded(first[0].StepId, [], [], null));
        workers[0].Send(workers[0].LastSender, new PartitionSucceeded(first[0].StepId, [], [], null));
        Assert.Equal(5, _client.ExpectMsg<StepSucceeded>(TestConfig.Wait).Values[0]!.ToScalar<int>());
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public void Coordinator_ends_the_step_on_the_workers_that_lent_buffers_once_every_worker_answered()
    {
        var (coordinator, workers) = Start(2);
        using (_graph.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        _client.Send(coordinator, Step("add:0"));
        var run = Running(workers[0]);
        Running(workers[1]);
        workers[0].Reply(new PartitionSucceeded(run.StepId, [], [], null, AwaitsEnd: true));
        workers[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        workers[1].Reply(new PartitionSucceeded(run.StepId, [0], [5], null));
        Assert.Equal(run.StepId, workers[0].ExpectMsg<EndStep>(TestConfig.Wait).StepId);
        _client.ExpectMsg<StepSucceeded>(TestConfig.Wait);
        workers[1].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Coordinator_passes_a_workers_error_through_unchanged_and_aborts_the_others()
    {
        var (coordinator, workers) = Start(2);
        using (_graph.AsDefault()) _ = TF.Constant(2) + TF.Constant(3);
        _client.Send(coordinator, Step("add:0"));
        var run = Running(workers[0]);
        Running(workers[1]);
        workers[1].Reply(new PartitionFailed(run.StepId, ErrorCodes.FailedPrecondition, "Attempting to use uninitialized value v", null));
        var failed = _client.ExpectMsg<StepFailed>(TestConfig.Wait);
        Assert.Equal((ErrorCodes.FailedPrecondition, "Attempting to use uninitialized value v"), (failed.ErrorCode, failed.Message));
        workers[0].ExpectMsg<AbortStep>(TestConfig.Wait);
    }

    [Fact]
    public void Coordinator_registers_a_partition_once_and_has_the_shard_push_all_reads_in_one_message()
    {
        var (coordinator, workers) = Start(1);
        using (_graph.AsDefault())
        {
            var a = TF.GetVariable("a", [], initializer: TF.OnesInitializer());
            var b = TF.GetVariable("b", [], initializer: TF.OnesInitializer());
            var c = TF.GetVariable("c", [], initializer: TF.OnesInitializer());
            TF.Identity(a * b + c, name: "out");
        }
        for (int i = 0; i < 2; i++)
        {
            _client.Send(coordinator, Step("out:0"));
            var run = Running(workers[0], registers: i == 0);
            var read = _shard.ExpectMsg<ReadVariables>(TestConfig.Wait);
            Assert.Equal(["a", "b", "c"], read.Names.Order(StringComparer.Ordinal));
            Assert.Equal(run.StepId, read.StepId);
            // The shard's answer goes straight to the worker.
            Assert.Equal(workers[0].Ref, _shard.LastSender);
            workers[0].Reply(new PartitionSucceeded(run.StepId, [0], [2f], null));
            _client.ExpectMsg<StepSucceeded>(TestConfig.Wait);
        }
        _shard.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        workers[0].ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Coordinator_refuses_a_step_with_an_unfed_placeholder_before_any_worker_hears_of_it()
    {
        var (coordinator, workers) = Start(2);
        using (_graph.AsDefault()) _ = TF.Placeholder(DType.Float32, [2, 3]) + 1f;
        _client.Send(coordinator, Step("add:0"));
        var failed = _client.ExpectMsg<StepFailed>(TestConfig.Wait);
        Assert.Equal(ErrorCodes.InvalidArgument, failed.ErrorCode);
        Assert.StartsWith("You must feed a value for placeholder tensor 'Placeholder' with dtype float and shape [2,3]", failed.Message);
        foreach (var w in workers) w.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Coordinator_tells_workers_to_forget_the_partitions_of_plans_an_extend_made_stale()
    {
        var (coordinator, workers) = Start(1);
        using (_graph.AsDefault()) TF.Constant(7);
        _client.Send(coordinator, Step("Const:0"));
        var register = workers[0].ExpectMsg<RegisterPartition>(TestConfig.Wait);
        var run = workers[0].ExpectMsg<RunPartition>(TestConfig.Wait);
        workers[0].Reply(new PartitionSucceeded(run.StepId, [0], [7], null));
        _client.ExpectMsg<StepSucceeded>(TestConfig.Wait);
        using (_graph.AsDefault()) TF.Constant(8);
        _client.Send(coordinator, Step("Const_1:0"));
        Assert.Equal([register.PlanId], workers[0].ExpectMsg<ForgetPartitions>(TestConfig.Wait).PlanIds);
        Assert.NotEqual(register.PlanId, workers[0].ExpectMsg<RegisterPartition>(TestConfig.Wait).PlanId);
    }
}
