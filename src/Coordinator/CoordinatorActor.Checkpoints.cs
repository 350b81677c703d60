using ActorGraph.ParameterServer;
using ActorGraph.ParameterServer.Persistence;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// A cluster client's checkpoints: its variables copied from, or restored to, the shards that own them
// now (a variable placed by an earlier Explain). The client holds its own steps for the cut.
public sealed partial class CoordinatorActor
{
    private void Checkpoints()
    {
        Receive<CopyVariables>(Handle);
        Receive<RestoreVariables>(Handle);
    }

    private void Handle(CopyVariables m)
    {
        if (ByShard(m.Names, $"Checkpoint {m.CheckpointId}") is not { } byShard) return;
        var requests = byShard.Select(g => (g.Key, _shards[g.Key], (IShardCommand)new CopyShardVariables(m.CheckpointId, m.GlobalStep, [.. g.Value]))).ToArray();
        Context.ActorOf(CheckpointTransfer.Props(Sender, $"Checkpoint {m.CheckpointId}", requests,
            replies => new VariablesCopied([.. replies.Cast<ShardVariablesCopied>().Select(r => r.Snapshot).OrderBy(s => s.Task)]), _stepTimeout));
    }

    private void Handle(RestoreVariables m)
    {
        if (m.Names is null || m.Values is null || m.Names.Length != m.Values.Length)
        {
            Sender.Tell(new StepFailed(0, ErrorCodes.InvalidArgument, $"Restoring checkpoint {m.CheckpointId}: the names and values sent do not pair up.", null));
            return;
        }
        if (ByShard(m.Names, $"Restoring checkpoint {m.CheckpointId}") is not { } byShard) return;
        var index = m.Names.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var requests = byShard.Select(g => (g.Key, _shards[g.Key], (IShardCommand)new RestoreShard(m.CheckpointId, m.GlobalStep,
            g.Value.ToDictionary(n => n, n => m.Values[index[n]], StringComparer.Ordinal)))).ToArray();
        Context.ActorOf(CheckpointTransfer.Props(Sender, $"Restoring checkpoint {m.CheckpointId}", requests,
            _ => new VariablesRestored(m.CheckpointId), _stepTimeout));
    }

    // The names grouped by the shard that owns them; null (the client told why) when one is not a placed
    // variable or its shard has no node right now.
    private Dictionary<int, List<string>>? ByShard(string[]? names, string what)
    {
        var byShard = new Dictionary<int, List<string>>();
        foreach (var name in names ?? [])
        {
            // A hash table part's entries go where the part lives.
            if (!_graph.TryGetOperation(HashTables.HashPartEntries.PartNameOf(name) ?? name, out var op) || !(op.Def.IsVariable || op.Type == "HashTable"))
                return Refuse(ErrorCodes.InvalidArgument, $"{what}: {name} is not a variable or hash table part of the session's graph on the coordinator.");
            if (_variables.ErrorOf(op) is { } error)
                return Refuse(ErrorCodes.InvalidArgument, $"{what}: {error}");
            int shard = _variables.ShardOf(op);
            if (shard >= _shards.Count || _shards[shard].IsNobody())
                return Refuse(ErrorCodes.Unavailable, $"{what}: parameter server {Placement.PsDevice(shard)}, which holds {name}, " +
                    "is not hosted on any node right now (its node left and no other has taken it over yet); try again shortly.");
            if (!byShard.TryGetValue(shard, out var list)) byShard[shard] = list = [];
            list.Add(name);
        }
        return byShard;
    }

    private Dictionary<int, List<string>>? Refuse(string code, string message)
    {
        Sender.Tell(new StepFailed(0, code, message, null));
        return null;
    }
}
