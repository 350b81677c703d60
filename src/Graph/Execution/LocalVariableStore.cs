using System.Collections.Concurrent;
using ActorGraph.Training;

namespace ActorGraph.Execution;

// Variables held in this process, one lock per variable so each update is atomic.
public sealed class LocalVariableStore : IVariableAccess
{
    private readonly ConcurrentDictionary<Operation, Cell> _cells = new();

    private sealed class Cell
    {
        public NDArray? Value;
        public readonly VariableStorage Storage = new();
    }

    private Cell CellOf(Operation variable) => _cells.GetOrAdd(variable, _ => new Cell());

    public NDArray Read(Operation variable) => CellOf(variable).Value ?? throw Errors.Uninitialized(variable);

    public bool IsInitialized(Operation variable) => _cells.TryGetValue(variable, out var cell) && cell.Value is not null;

    public NDArray Update(VariableUpdate update)
    {
        update = GeneratedInitialValues.Drawn(update);
        var cell = CellOf(update.Variable);
        var slots = update.Slots.Length == 0 ? [] : update.Slots.Select(s => CellOf(s).Value).ToArray();
        lock (cell.Storage)
        {
            var value = UpdateRules.Apply(update.Kind, update.Variable.Name, cell.Value, slots, update.Operands);
            value.OwnedBy(cell.Storage);
            cell.Value = value;
            return value;
        }
    }
}
