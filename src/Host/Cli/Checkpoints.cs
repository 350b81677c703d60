namespace ActorGraph.Host.Cli;

// Checkpoints (Saver through the parameter servers) belong to another issue; until they land,
// asking for them is a clear failure, never a run that silently saves nothing.
internal static class Checkpoints
{
    public static void RefuseUntilAvailable(string? store, bool resume)
    {
        if (store is null && !resume) return;
        throw new CliException($"checkpoints are not available yet: {(resume ? "--resume" : "--store")} needs the Saver " +
            "(persistent parameter servers), which this build does not have. Leave out --store and --resume.");
    }
}
