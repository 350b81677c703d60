using ActorGraph.Coordinator.Steps;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// A cluster session's coordinator: workers and parameter servers come and go as the singleton says.
// A worker that leaves fails the steps waiting on it; a shard that moves fails every step in flight
// (any of them may be waiting for its reads or updates); either way the next plan uses who is left.
public sealed partial class CoordinatorActor
{
    private void Membership() => Receive<MembershipChanged>(Handle);

    private void Handle(MembershipChanged m)
    {
        var provider = ((ExtendedActorSystem)Context.System).Provider;
        bool changed = false;
        for (int task = 0; task < Math.Max(m.WorkerPaths.Length, _workers.Count); task++)
        {
            string path = task < m.WorkerPaths.Length ? m.WorkerPaths[task] : "";
            string had = task < _workers.Count && _alive[task] ? _workerPaths[task] : "";
            if (path == had) continue;
            changed = true;
            if (had.Length > 0)
            {
                WorkerLost(task);
                // The stepActor and any data-parallel step actor: the steps waiting on it fail.
                foreach (var child in Context.GetChildren()) child.Tell(new WorkerLeft(task));
            }
            if (path.Length == 0) continue;
            Grow(_workers, _workerPaths, task);
            _workers[task] = provider.ResolveActorRef(path);
            _workerPaths[task] = path;
            _alive[task] = true;
            _stepTracker.Tell(new WorkerJoined(_workers[task]));
        }
        for (int shard = 0; shard < m.ShardPaths.Length; shard++)
        {
            string path = m.ShardPaths[shard];
            string had = shard < _shardPaths.Count ? _shardPaths[shard] : "";
            if (path == had) continue;
            changed = true;
            if (had.Length > 0) ShardLost(shard);
            Grow(_shards, _shardPaths, shard);
            _shards[shard] = path.Length == 0 ? ActorRefs.Nobody : provider.ResolveActorRef(path);
            _shardPaths[shard] = path;
        }
        _variables.AddShards(_shards.Count);
        if (changed) ForgetPlans();
    }

    private void Grow(List<IActorRef> actors, List<string> paths, int index)
    {
        while (actors.Count <= index)
        {
            actors.Add(ActorRefs.Nobody);
            paths.Add("");
            if (ReferenceEquals(actors, _workers)) _alive.Add(false);
        }
    }

    private void ShardLost(int shard)
    {
        string reason = $"parameter server {Placement.PsDevice(shard)} left the cluster while it ran; its shard moves to the parameter servers left.";
        foreach (var child in Context.GetChildren()) child.Tell(new ShardLeft(shard, reason));
    }

    // A shard between nodes cannot serve a step: say so rather than let the step run into its deadline.
    private string? UnhostedShard(StepPlan plan)
    {
        foreach (var share in plan.Shares)
            foreach (int shard in share.Registration.VariableShards.Distinct())
                if (shard >= _shards.Count || _shards[shard].IsNobody())
                    return $"parameter server {Placement.PsDevice(shard)} is not hosted on any node right now " +
                        "(its node left and no other ps node has taken it over yet); run the step again shortly.";
        return null;
    }

    private void TellPlaced(IReadOnlyList<Operation> added)
    {
        var variables = added.Where(op => op.Def.IsVariable).ToArray();
        if (variables.Length == 0) return;
        Context.Parent.Tell(new VariablesPlaced(Array.ConvertAll(variables, v => v.Name), Array.ConvertAll(variables, _variables.ShardOf)));
    }
}
