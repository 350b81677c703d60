namespace ActorGraph.Coordinator;

// A synchronous data-parallel step applies its replicas' averaged updates once, at its end (ReplicaAggregation): a
// read that a dependency orders after an optimizer's step in the same Run would need that average before the step
// ends. Such a plan is refused, naming the read and the step, rather than read the value of the step's start.
internal static class SynchronousReplicaOrder
{
    public static InvalidArgumentException? Refusal(Graph graph, StepPlan plan)
    {
        // Only a write the shard applies makes a one-worker stage apply its updates mid-step (InStepOrder).
        if (plan.Error is not null || !plan.Shares.Any(s => s.Registration.Stages.Any(stage => stage.AppliesUpdates))) return null;
        var order = new List<Operation>(plan.Operations.Length);
        foreach (var name in plan.Operations)
            if (graph.TryGetOperation(name, out var op)) order.Add(op);
        var read = InStepOrder.Of(order).Reads.FirstOrDefault(r => !InStepOrder.ComputedByWorker(r.Write));
        if (read is null) return null;
        return new InvalidArgumentException(
            $"'{read.Reader.Name}' reads '{read.Variable.Name}' after '{read.Write.Name}' updates it in the same Run, but a synchronous " +
            "data-parallel step applies its replicas' averaged updates once, at its end. Fetch the read in a Run after the update, " +
            "set DataParallelism.Synchronous = false (each replica's update then applies before its own read), or run without " +
            "SessionOptions.DataParallel.");
    }
}
