using ActorGraph.ParameterServer;
using Akka.Actor;

namespace ActorGraph.Worker;

// Gathers the shards serve (PartitionStage.Lookups): once a stage has run, its ids go to the table's shard, and the
// rows that come back are delivered to the stages that use them like tensors from another worker.
internal sealed partial class WorkerStep
{
    // Lookups sent whose rows have not come back: the step's updates and answer wait for them.
    private int _lookupsPending;
    // By request - 1: the unique ids sent, to put the rows that come back at every position that asked.
    private UniqueIds?[] _lookupIds = [];

    private void LookUp(int s, NDArray?[] values)
    {
        var program = Program!;
        var stage = program.Stages[s];
        var lookups = stage.Definition.Lookups;
        if (lookups is null) return;
        for (int l = 0; l < lookups.Length; l++)
        {
            int request = program.LookupBase[s] + l + 1;
            var ids = values[stage.LookupFetchOffset + l]
                ?? throw new InternalException($"{_around.WorkerName}: the ids of the lookup in {lookups[l].Table} were not computed.");
            if (_lookupIds.Length != program.Lookups.Count) _lookupIds = new UniqueIds?[program.Lookups.Count];
            // A copy either way: the ids are the stage's kernel buffer.
            var unique = _lookupIds[request - 1] = lookups[l].IdsUnique ? null : UniqueIds.Of(ids);
            _outbox.Send(program.Shards[program.Lookups[request - 1].Shard],
                new LookupRows(StepId, lookups[l].Table, unique?.Ids ?? ids.Copy(), request, lookups[l].Hash));
            _lookupsPending++;
        }
    }

    public void OnRowsLookedUp(RowsLookedUp rows)
    {
        var program = Program;
        if (program is null || rows.Request < 1 || rows.Request > program.Lookups.Count) return;
        var lookup = program.Lookups[rows.Request - 1].Lookup;
        var looked = rows.Request <= _lookupIds.Length && _lookupIds[rows.Request - 1] is { } unique ? unique.Expand(rows.Rows) : rows.Rows;
        foreach (int edge in lookup.Edges)
            if (program.EdgeTargets.TryGetValue(edge, out var at)) Deliver(at.Stage, at.Slot, looked);
        foreach (int fetch in lookup.Fetches ?? [])
        {
            _fetchIndices.Add(fetch);
            _fetchValues.Add(looked);
        }
        _lookupsPending--;
    }
}
