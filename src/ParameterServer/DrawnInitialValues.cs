using ActorGraph.Execution;
using ActorGraph.Wire;

namespace ActorGraph.ParameterServer;

// A batch's generated Assigns (WireUpdate.Generator) with their values drawn here, where the variable lives: the
// generator's definition came over the wire, the table never does (GeneratedInitialValues).
internal static class DrawnInitialValues
{
    // The batch itself when it has none; null with a refusal when a generator cannot draw here.
    public static ApplyUpdates? Drawn(ApplyUpdates command, string device, out ShardRequestFailed? refusal)
    {
        refusal = null;
        if (!Array.Exists(command.Updates, u => u.Generator is not null)) return command;
        var updates = (WireUpdate[])command.Updates.Clone();
        for (int i = 0; i < updates.Length; i++)
        {
            if (updates[i].Generator is not { } generator) continue;
            if (updates[i].Kind != UpdateKind.Assign || updates[i].Operands.Length != 0)
            {
                refusal = Refused(command, device, $"{updates[i].Kind} of {updates[i].Variable} carries a generator; only an Assign without operands can.");
                return null;
            }
            try
            {
                updates[i] = updates[i] with { Operands = [GeneratedInitialValues.Generate(generator)], Generator = null };
            }
            catch (ActorGraphException e)
            {
                refusal = Refused(command, device, $"the initial value of {updates[i].Variable}: {e.Message}");
                return null;
            }
        }
        return command with { Updates = updates };
    }

    private static ShardRequestFailed Refused(ApplyUpdates command, string device, string why) =>
        new(command.StepId, ErrorCodes.InvalidArgument, $"Parameter server {device} cannot apply step {command.StepId}: {why}");
}
