using ActorGraph.Messaging.Channel;
using ActorGraph.Coordinator;
using ActorGraph.Wire;

namespace ActorGraph;

// What a session makes of its coordinator's answers, in local and cluster mode alike.
internal static class CoordinatorAnswers
{
    private static readonly Lock PrintLock = new();

    // Print lines of a step, whole: sessions on several threads share one writer (Console.Error by default).
    public static void Print(TextWriter output, string? text)
    {
        if (text is null) return;
        lock (PrintLock)
        {
            output.Write(text);
            output.Flush();
        }
    }

    // A step's values once its Print lines and warning are out; a fetch that was fed is answered by its
    // feed, as the executor does. A failed step throws its error, after the Print lines that ran before it.
    public static NDArray?[] Values(object reply, IReadOnlyList<Fetch> fetches, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed,
        Action<string?> print, Action<string> warn)
    {
        switch (reply)
        {
            case StepSucceeded ok:
                print(ok.Printed);
                if (ok.Warning is { } warning) warn(warning);
                var values = ok.Values;
                if (fed.Count > 0)
                    for (int i = 0; i < fetches.Count; i++)
                        if (fetches[i].Tensor is { } t)
                            foreach (var (tensor, value) in fed)
                                if (ReferenceEquals(tensor, t)) values[i] = value;
                return values;
            case StepFailed failed:
                print(failed.Printed);
                throw Failure(failed, "a step");
            default:
                throw Failure(reply, "a step");
        }
    }

    public static Execution.IteratorPosition[] IteratorPositions(object reply) =>
        reply is IteratorPositionsCopied copied ? copied.Positions : throw Failure(reply, "copying the iterators' positions");

    public static void IteratorsRestored(object reply)
    {
        if (reply is not IteratorPositionsRestored) throw Failure(reply, "restoring the iterators' positions");
    }

    public static ExecutionPlan Plan(object reply) =>
        reply is StepExplained plan ? new ExecutionPlan(plan.Operations, plan.Placement) : throw Failure(reply, "Explain");

    // A request's failure: the coordinator's error as its exception (note: what the caller adds to its
    // message), or an answer of the wrong kind for `what`.
    public static Exception Failure(object reply, string what, string note = "") => reply switch
    {
        StepFailed failed => ErrorCodes.ToException(failed.ErrorCode, failed.Message + note),
        FrameRefused refused => new InternalException($"The coordinator's node could not read {what}'s {refused.Manifest}: {refused.Reason} " +
            "Are this client and the cluster's nodes the same ActorGraph version?"),
        _ => new InternalException($"The coordinator answered {what} with {reply.GetType().Name}."),
    };
}
