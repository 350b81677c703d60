using System.Runtime.CompilerServices;
using MessagePack;

namespace ActorGraph.Wire;

// An operation as it travels: what a remote node needs to re-create it under the same name.
// Inputs are tensor names ("add:0"), control inputs operation names.
[MessagePackObject]
public sealed record OperationDef(
    [property: Key(0)] string Name,
    [property: Key(1)] string Type,
    [property: Key(2)] string[] Inputs,
    [property: Key(3)] string[] ControlInputs,
    [property: Key(4)] string Device,
    [property: Key(5)] AttrDef[] Attrs)
{
    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static OperationDef From(Operation op)
    {
        var inputs = new string[op.InputArray.Length];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = op.InputArray[i].Name;
        var control = new string[op.ControlInputArray.Length];
        for (int i = 0; i < control.Length; i++) control[i] = op.ControlInputArray[i].Name;
        var attrs = op.Attrs.Count == 0 ? [] : new AttrDef[op.Attrs.Count];
        int n = 0;
        if (attrs.Length > 0)
            foreach (var (key, value) in op.Attrs.OrderBy(a => a.Key, StringComparer.Ordinal)) attrs[n++] = AttrDef.Of(key, value);
        return new OperationDef(op.Name, op.Type, inputs, control, op.Device, attrs);
    }

    public IReadOnlyDictionary<string, object> AttrDictionary()
    {
        if (Attrs.Length == 0) return Graph.EmptyAttrs;
        var dict = new Dictionary<string, object>(Attrs.Length, StringComparer.Ordinal);
        foreach (var a in Attrs) dict[a.Name] = a.ToValue();
        return dict;
    }
}

public enum AttrKind
{
    Tensor,
    DType,
    Shape,
    Int,
    Long,
    Double,
    String,
    Bool,
    IntArray,
    Dataset,
}

// One attribute value; the kind keeps the CLR type so kernels read back exactly what was set.
[MessagePackObject]
public sealed record AttrDef(
    [property: Key(0)] string Name,
    [property: Key(1)] AttrKind Kind,
    [property: Key(2)] NDArray? Tensor = null,
    [property: Key(3)] long Integer = 0,
    [property: Key(4)] double Real = 0,
    [property: Key(5)] string? Text = null,
    [property: Key(6)] int[]? Ints = null,
    [property: Key(7)] DatasetDef? Dataset = null)
{
    public static AttrDef Of(string name, object value) => value switch
    {
        NDArray a => new(name, AttrKind.Tensor, Tensor: a),
        DType d => new(name, AttrKind.DType, Integer: (long)d),
        Shape s => new(name, AttrKind.Shape, Integer: s.IsUnknownRank ? 1 : 0, Ints: s.ToArray()),
        int i => new(name, AttrKind.Int, Integer: i),
        long l => new(name, AttrKind.Long, Integer: l),
        double r => new(name, AttrKind.Double, Real: r),
        string t => new(name, AttrKind.String, Text: t),
        bool b => new(name, AttrKind.Bool, Integer: b ? 1 : 0),
        int[] ints => new(name, AttrKind.IntArray, Ints: ints),
        Dataset d => new(name, AttrKind.Dataset, Dataset: d.ToDef()),
        _ => throw new ArgumentException($"Attribute '{name}' holds a {value.GetType().Name}, which cannot travel; use NDArray, DType, Shape, int, long, double, string, bool, int[] or Dataset."),
    };

    public object ToValue() => Kind switch
    {
        AttrKind.Tensor => Tensor ?? throw Missing("a tensor"),
        AttrKind.DType => (DType)Integer,
        AttrKind.Shape => Integer == 1 ? Shape.Unknown : Shape.Create(Ints ?? []),
        AttrKind.Int => checked((int)Integer),
        AttrKind.Long => Integer,
        AttrKind.Double => Real,
        AttrKind.String => Text ?? throw Missing("a string"),
        AttrKind.Bool => Integer != 0,
        AttrKind.IntArray => Ints ?? throw Missing("an int array"),
        AttrKind.Dataset => (Dataset ?? throw Missing("a dataset")).ToDataset(),
        _ => throw new ArgumentException($"Attribute '{Name}' has an unknown kind {Kind}."),
    };

    private ArgumentException Missing(string what) => new($"Attribute '{Name}' of kind {Kind} carries no value; expected {what}.");
}
