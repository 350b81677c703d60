namespace ActorGraph.Execution;

// What kernels may reach beyond their inputs during one step: variables, iterators and the print sink.
public sealed class StepContext
{
    public StepContext(IVariableAccess variables, TextWriter printOutput, long stepId = 0, IteratorStore? iterators = null)
    {
        Variables = variables;
        PrintOutput = printOutput;
        StepId = stepId;
        Iterators = iterators ?? new IteratorStore();
    }

    public IVariableAccess Variables { get; }
    public TextWriter PrintOutput { get; }
    public long StepId { get; }

    // Dataset iterators' positions: they outlive the step, so a session passes the same store to every step.
    public IteratorStore Iterators { get; }

    // Hash tables held in this process (the executor's); null where a runtime keeps them elsewhere.
    public HashTables.HashTableStore? HashTables { get; init; }

    // Set in a data-parallel replica's step: an iterator this worker starts reads only its replica's elements.
    public IteratorShard? IteratorShard { get; init; }
}

// Where variables live: an in-process store, or (on a worker) the parameter servers.
public interface IVariableAccess
{
    // The current value; FailedPreconditionException when never initialized. The returned array
    // may be live storage: callers must not write it, and copy it before it leaves the step.
    NDArray Read(Operation variable);

    bool IsInitialized(Operation variable);

    // Applies one update atomically and returns the variable's value after it.
    NDArray Update(VariableUpdate update);
}
