using ActorGraph.ParameterServer.Persistence;

namespace ActorGraph.ParameterServer;

// How a decided batch is answered: each sender with the updates (indices into ApplyUpdates.Updates) whose values it
// wants back (null = all), and whether the acknowledgement may go before the arithmetic.
internal static class UpdateReplies
{
    // A batch that passed Decide is applied before the shard takes its next message, so whatever anyone sends the shard
    // after the acknowledgement finds it applied: with nothing to journal and no value wanted back, the acknowledgement
    // goes first, and the step's answer does not wait for the arithmetic (~100 µs for an MLP's 1 MB of weights).
    // Only an exception inside UpdateRules could then fail what was acknowledged; it restarts the shard at its last
    // checkpoint, which loses every update since, acknowledged or not, in checkpoint durability anyway.
    // Not for a sender in the shard's process: its operands are its kernels' own buffers, lent until the shard answers
    // (ShardProtocol), and its next step may write them as soon as the answer is in.
    public static bool AcknowledgeBeforeApplying<TSender>(Durability durability, int events, bool senderInProcess,
        IReadOnlyList<(TSender Sender, int[]? Wanted)> replyTo)
    {
        if (durability != Durability.Checkpoint || events == 0 || senderInProcess) return false;
        for (int r = 0; r < replyTo.Count; r++)
            if (replyTo[r].Wanted is not { Length: 0 }) return false;
        return true;
    }

    // Whether any sender wants the value after update i.
    public static bool Wanted<TSender>(IReadOnlyList<(TSender Sender, int[]? Wanted)> replyTo, int i)
    {
        for (int r = 0; r < replyTo.Count; r++)
            if (replyTo[r].Wanted is not { } wanted || Array.IndexOf(wanted, i) >= 0) return true;
        return false;
    }

    // One sender's values, in the order of its Wanted (of the updates when it is null); a second
    // sender (a replica of the same step) gets its own copies.
    public static NDArray[] ValuesFor(NDArray?[] values, int[]? wanted, bool copy)
    {
        var picked = wanted is null ? values : Array.ConvertAll(wanted, w => w >= 0 && w < values.Length ? values[w] : null);
        return Array.ConvertAll(picked, v => copy ? v?.Copy()! : v!);
    }
}
