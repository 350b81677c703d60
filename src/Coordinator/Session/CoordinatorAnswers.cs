using ActorGraph.Coordinator;
using ActorGraph.Wire;

namespace ActorGraph;

// What a session makes of its coordinator's answers, in local and cluster mode alike.
internal static class CoordinatorAnswers
{
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
                throw ErrorCodes.ToException(failed.ErrorCode, failed.Message);
            default:
                throw new InternalException($"The coordinator answered a step with {reply.GetType().Name}.");
        }
    }

    public static ExecutionPlan Plan(object reply) => reply switch
    {
        StepExplained plan => new ExecutionPlan(plan.Operations, plan.Placement),
        StepFailed failed => throw ErrorCodes.ToException(failed.ErrorCode, failed.Message),
        _ => throw new InternalException($"The coordinator answered Explain with {reply.GetType().Name}."),
    };
}
