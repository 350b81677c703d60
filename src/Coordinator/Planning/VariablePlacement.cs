using ActorGraph.Ops;

namespace ActorGraph.Coordinator;

// Which parameter-server task owns each variable, decided once when the variable arrives (its
// state lives there) and never moved: a ps device scope first; slots (variables written together by
// one op, as an optimizer's update writes a variable and its slots) with their variable; else the
// task holding the fewest bytes. In a cluster, a variable some parameter server already holds (by
// name: sessions of one cluster share variables, as TensorFlow's do) stays where it is, and shards
// may be added as ps nodes join.
internal sealed class VariablePlacement(int shards, IReadOnlyDictionary<string, int>? pinned = null)
{
    private readonly Dictionary<Operation, int> _shardOf = new(ReferenceEqualityComparer<Operation>.Instance);
    private readonly Dictionary<Operation, string> _errors = new(ReferenceEqualityComparer<Operation>.Instance);
    private readonly List<long> _bytes = [.. new long[shards]];
    private readonly Dictionary<string, int> _pinned = new(pinned ?? new Dictionary<string, int>(), StringComparer.Ordinal);

    public int Shards => _bytes.Count;

    public void AddShards(int count)
    {
        while (_bytes.Count < count) _bytes.Add(0);
    }

    public void Pin(string variable, int shard)
    {
        AddShards(shard + 1);
        _pinned[variable] = shard;
    }

    public int ShardOf(Operation variable) => _shardOf[variable];

    public string? ErrorOf(Operation variable) => _errors.GetValueOrDefault(variable);

    public long BytesOn(int shard) => _bytes[shard];

    public void Add(IReadOnlyList<Operation> newOps)
    {
        var parent = new Dictionary<Operation, Operation>(ReferenceEqualityComparer<Operation>.Instance);
        Operation Find(Operation v)
        {
            while (parent.TryGetValue(v, out var p) && p != v) v = parent[v] = parent.GetValueOrDefault(p, p);
            return v;
        }
        foreach (var op in newOps)
            if (HoldsState(op)) parent[op] = op;
        foreach (var op in newOps)
        {
            if (!op.Def.Traits.HasFlag(OpTraits.WritesVariable)) continue;
            var first = op.RefInput(0);
            parent.TryAdd(first, first);
            for (int r = 1; r < op.Def.RefInputs; r++)
            {
                var other = op.RefInput(r);
                parent.TryAdd(other, other);
                var (a, b) = (Find(first), Find(other));
                if (a != b) parent[b] = a;
            }
        }
        var groups = parent.Keys.Where(HoldsState).GroupBy(Find).OrderBy(g => g.Min(v => v.Id));
        foreach (var group in groups)
        {
            var members = group.ToList();
            var fresh = members.Where(v => !_shardOf.ContainsKey(v)).OrderBy(v => v.Id).ToList();
            if (fresh.Count == 0) continue;
            int shard = Choose(members, fresh, out var error);
            foreach (var v in fresh)
            {
                _shardOf[v] = shard;
                if (v.Def.IsVariable) _bytes[shard] += v.Outputs[0].Shape.Size * v.Outputs[0].DType.SizeInBytes();
                if (error is not null) _errors[v] = error;
            }
        }
    }

    private int Choose(List<Operation> members, List<Operation> fresh, out string? error)
    {
        error = null;
        foreach (var v in members)
            if (_shardOf.TryGetValue(v, out int placed)) return placed;
        foreach (var v in members)
            if (_pinned.TryGetValue(v.Name, out int held) && held < Shards) return held;
        foreach (var v in fresh)
            if (DeviceSpec.TryParse(v.Device, out var job, out int task) && job == "ps")
            {
                if (task < Shards) return task;
                error = $"Variable {v.Name} is placed on /job:ps/task:{task}, but the session has {Shards} parameter server(s) (tasks 0 to {Shards - 1}).";
            }
        // A hash table's parts have no size yet: part p goes to shard p % shards, so the parts spread over all of them.
        if (fresh[0].Type == "HashTable") return fresh[0].Attr<int>("part") % Shards;
        long size = fresh.Sum(v => v.Outputs[0].Shape.Size * v.Outputs[0].DType.SizeInBytes());
        int best = 0;
        for (int s = 1; s < Shards; s++)
            if (_bytes[s] < _bytes[best]) best = s;
        return size >= 0 ? best : 0;
    }

    // Variables and hash table parts: the state a parameter server keeps.
    private static bool HoldsState(Operation op) => op.Def.IsVariable || op.Type == "HashTable";
}
