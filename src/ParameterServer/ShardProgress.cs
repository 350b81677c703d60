using ActorGraph.ParameterServer.Persistence;

namespace ActorGraph.ParameterServer;

// How far a shard's state has come: the last step whose update it holds and, after a recovery, the step and
// checkpoint it came back to (RecoveredToStep -1: it came back empty).
internal sealed class ShardProgress
{
    public long LastStep { get; private set; } = -1;
    public long RecoveredToStep { get; private set; } = -1;
    public string? RecoveredCheckpoint { get; private set; }
    public bool RecoveredAny { get; private set; }

    public void Applied(long stepId) => LastStep = Math.Max(LastStep, stepId);

    // A restore sets the step to the checkpoint's, earlier or not.
    public void Restored(long globalStep) => LastStep = globalStep;

    public void RecoveredSnapshot(long globalStep, string? checkpointId)
    {
        (RecoveredToStep, RecoveredCheckpoint, LastStep, RecoveredAny) = (globalStep, checkpointId, globalStep, true);
    }

    public void RecoveredUpdate(long stepId)
    {
        Applied(stepId);
        RecoveredToStep = LastStep;
        RecoveredAny = true;
    }

    public string ReturnedTo(Durability durability) => durability == Durability.Journal
        ? $"step {RecoveredToStep} (checkpoint {RecoveredCheckpoint ?? "none"} and the journal after it)"
        : $"checkpoint {RecoveredCheckpoint} at step {RecoveredToStep}";
}
