using ActorGraph.ParameterServer;
using Akka.Actor;

namespace ActorGraph.Worker;

// Gathers the shards serve (PartitionStage.Lookups): once a stage has run, its ids go to the table's shard, and the
// rows that come back are delivered to the stages that use them like tensors from another worker.
internal sealed partial class WorkerStep
{
    // Lookups sent whose rows have not come back: the step's updates and answer wait for them.
    private int _lookupsPending;

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
            // A copy: the ids are the stage's kernel buffer, and a small one.
            _outbox.Send(program.Shards[program.Lookups[request - 1].Shard], new LookupRows(StepId, lookups[l].Table, ids.Copy(), request, lookups[l].Hash));
            _lookupsPending++;
        }
    }

    public void OnRowsLookedUp(RowsLookedUp rows)
    {
        var program = Program;
        if (program is null || rows.Request < 1 || rows.Request > program.Lookups.Count) return;
        var lookup = program.Lookups[rows.Request - 1].Lookup;
        foreach (int edge in lookup.Edges)
            if (program.EdgeTargets.TryGetValue(edge, out var at)) Deliver(at.Stage, at.Slot, rows.Rows);
        foreach (int fetch in lookup.Fetches ?? [])
        {
            _fetchIndices.Add(fetch);
            _fetchValues.Add(rows.Rows);
        }
        _lookupsPending--;
    }
}
