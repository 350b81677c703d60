using ActorGraph.ParameterServer.Persistence;
using Xunit;
using static ActorGraph.ParameterServer.Tests.Samples;

namespace ActorGraph.ParameterServer.Tests.Bookkeeping;

// How a decided batch is answered (UpdateReplies), the batches waiting on the journal (JournalWaits), and how far
// a shard has come (ShardProgress).
public sealed class ReplyBookkeepingTests
{
    private static readonly (string, int[]?)[] NothingWanted = [("gatherer", []), ("worker", [])];

    [Fact]
    public void The_acknowledgement_goes_before_the_arithmetic_only_with_nothing_to_journal_or_send_back_to_a_remote_sender()
    {
        Assert.True(UpdateReplies.AcknowledgeBeforeApplying(Durability.Checkpoint, events: 1, senderInProcess: false, NothingWanted));
        Assert.False(UpdateReplies.AcknowledgeBeforeApplying(Durability.Journal, events: 1, senderInProcess: false, NothingWanted));
        Assert.False(UpdateReplies.AcknowledgeBeforeApplying(Durability.Checkpoint, events: 0, senderInProcess: false, NothingWanted));
        Assert.False(UpdateReplies.AcknowledgeBeforeApplying(Durability.Checkpoint, events: 1, senderInProcess: true, NothingWanted));
        Assert.False(UpdateReplies.AcknowledgeBeforeApplying(Durability.Checkpoint, events: 1, senderInProcess: false, [("gatherer", []), ("worker", [0])]));
        Assert.False(UpdateReplies.AcknowledgeBeforeApplying(Durability.Checkpoint, events: 1, senderInProcess: false, [("worker", null)]));
    }

    [Fact]
    public void A_value_is_wanted_when_any_sender_names_it_or_wants_all()
    {
        Assert.False(UpdateReplies.Wanted(NothingWanted, 0));
        Assert.True(UpdateReplies.Wanted([("gatherer", []), ("worker", [2])], 2));
        Assert.True(UpdateReplies.Wanted([("worker", (int[]?)null)], 5));
    }

    [Fact]
    public void Each_sender_gets_its_wanted_values_in_its_order_and_a_second_sender_its_own_copies()
    {
        NDArray?[] values = [Floats(1), null, Floats(3)];
        var first = UpdateReplies.ValuesFor(values, [2, 0], copy: false);
        Assert.Same(values[2], first[0]);
        Assert.Same(values[0], first[1]);
        var second = UpdateReplies.ValuesFor(values, null, copy: true);
        Assert.Equal(3, second.Length);
        Assert.NotSame(values[0], second[0]);
        SameBits(values[0], second[0]);
    }

    [Fact]
    public void A_batch_is_acknowledged_when_the_journal_has_its_last_event()
    {
        var waits = new JournalWaits<string>();
        object first = new(), last = new();
        var reply = new UpdatesApplied(4, []);
        waits.Await(last, [("worker", reply)], 4);
        Assert.Empty(waits.Journaled(first));
        Assert.Equal([("worker", reply)], waits.Journaled(last));
        Assert.Equal(0, waits.Count);
    }

    [Fact]
    public void A_journal_failure_fails_every_waiting_batch_and_a_rejection_only_its_own()
    {
        var waits = new JournalWaits<string>();
        object a = new(), b = new();
        waits.Await(a, [("w1", new UpdatesApplied(1, []))], 1);
        waits.Await(b, [("w2", new UpdatesApplied(2, []))], 2);
        Assert.Equal([1L], waits.Fail(a).Select(f => f.StepId));
        Assert.Equal([2L], waits.Fail().Select(f => f.StepId));
        Assert.Equal(0, waits.Count);
    }

    [Fact]
    public void Progress_follows_the_latest_step_and_says_where_a_recovery_returned_to()
    {
        var progress = new ShardProgress();
        Assert.Equal((-1L, -1L, false), (progress.LastStep, progress.RecoveredToStep, progress.RecoveredAny));
        progress.RecoveredSnapshot(40, "c1");
        progress.RecoveredUpdate(42);
        progress.RecoveredUpdate(41);
        Assert.Equal((42L, 42L, true), (progress.LastStep, progress.RecoveredToStep, progress.RecoveredAny));
        Assert.Equal("step 42 (checkpoint c1 and the journal after it)", progress.ReturnedTo(Durability.Journal));
        progress.Applied(50);
        progress.Restored(10);
        Assert.Equal(10, progress.LastStep);
        Assert.Equal("checkpoint c1 at step 42", progress.ReturnedTo(Durability.Checkpoint));
    }
}
