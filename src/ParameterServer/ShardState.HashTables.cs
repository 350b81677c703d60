using ActorGraph.HashTables;
using ActorGraph.Training;
using MessagePack;

namespace ActorGraph.ParameterServer;

// Hash table parts held by the shard, made on first use from the spec each lookup and update carries. A lookup
// creates rows, so unlike a variable's it changes the state; the rows it creates are a function of (seed, id), so a
// journal replay that runs only the updates ends with the same rows wherever an update touched them.
public sealed partial class ShardState
{
    private readonly Dictionary<string, HashTablePart> _hashTables = new(StringComparer.Ordinal);

    [IgnoreMember] public IReadOnlyDictionary<string, HashTablePart> HashTables => _hashTables;

    // Null when the shard holds no hash table.
    public HashPartRows[]? HashTableRows() => _hashTables.Count == 0 ? null
        : [.. _hashTables.Values.OrderBy(p => p.Spec.PartName, StringComparer.Ordinal).Select(p => new HashPartRows(p.Spec.Table, p.Spec.Part, p.Rows, p.Bytes))];

    private IShardReply LookupHash(LookupRows command, HashTableSpec spec)
    {
        if (PartFor(spec) is not { } part) return Invalid(command.StepId, MismatchText(spec));
        try
        {
            return new RowsLookedUp(command.StepId, command.Request, part.Lookup(command.Ids, command.StepId));
        }
        catch (InvalidArgumentException e)
        {
            return Invalid(command.StepId, e.Message);
        }
    }

    private ShardRequestFailed? CheckHash(long step, WireUpdate u, UpdateRule rule, HashUpdate hash)
    {
        string what = $"{u.Kind} of hash table {hash.Spec.Table}";
        if (!rule.IsSparse || rule.Family != UpdateFamily.Training) return Invalid(step, $"{what}: a hash table takes the optimizers' sparse updates only.");
        if (u.Operands is null || u.Operands.Length != rule.Operands.Length || u.Operands.Any(o => o is null))
            return Invalid(step, $"{what} takes {rule.Operands.Length} operands, got {u.Operands?.Length ?? 0}.");
        if (hash.Slots.Names.Length != rule.Slots.Length || hash.Slots.Inits.Length != rule.Slots.Length)
            return Invalid(step, $"{what}: {hash.Slots.Names.Length} slot names for the {rule.Slots.Length} slots it has.");
        if (_hashTables.TryGetValue(u.Variable, out var held) && !Compatible(held.Spec, hash.Spec)) return Invalid(step, MismatchText(hash.Spec));
        var ids = u.Operands[rule.Indices];
        var values = u.Operands[rule.Delta];
        if (ids.DType is not (DType.Int32 or DType.Int64)) return Invalid(step, $"{what}: ids must be int32 or int64, got {ids.DType.PythonName()}.");
        if (values.DType != hash.Spec.DType || !values.Shape.SameDims([.. ids.Shape.Dims, hash.Spec.Dimension]))
            return Invalid(step, $"{what}: updates must be {hash.Spec.DType.PythonName()} of shape ids.shape + [{hash.Spec.Dimension}], got {values.DType.PythonName()} {values.Shape.ToBracketString()}.");
        return null;
    }

    private void ApplyHash(long step, WireUpdate u, HashUpdate hash)
    {
        var part = PartFor(hash.Spec) ?? throw new InvalidOperationException(MismatchText(hash.Spec));
        part.Apply(u.Kind, hash.Slots.Names, hash.Slots.Inits, u.Operands, step);
    }

    // The part named by the spec, made now if new; null when the shard holds one of that name with another shape.
    private HashTablePart? PartFor(HashTableSpec spec)
    {
        if (_hashTables.TryGetValue(spec.PartName, out var part)) return Compatible(part.Spec, spec) ? part : null;
        _hashTables.Add(spec.PartName, part = new HashTablePart(spec));
        return part;
    }

    private static bool Compatible(HashTableSpec held, HashTableSpec asked) =>
        held.Dimension == asked.Dimension && held.DType == asked.DType && held.Parts == asked.Parts && held.Part == asked.Part;

    private string MismatchText(HashTableSpec spec) =>
        $"Hash table part {spec.PartName} on {Device} holds {_hashTables[spec.PartName].Spec.Dimension}-wide rows of {_hashTables[spec.PartName].Spec.DType.PythonName()} " +
        $"in {_hashTables[spec.PartName].Spec.Parts} parts, but the graph asks for {spec.Dimension}-wide rows of {spec.DType.PythonName()} in {spec.Parts} parts; " +
        "use another table name, or restart the parameter servers to drop the old table.";
}
