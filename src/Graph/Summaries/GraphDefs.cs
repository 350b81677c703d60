using ActorGraph.Summaries.Proto;
using Google.Protobuf;

namespace ActorGraph.Summaries;

// A Graph as TensorFlow's GraphDef, the form TensorBoard's graph tab draws: "/" in names makes the
// groups, "^name" inputs the control edges, _output_shapes the edge labels.
public static class GraphDefs
{
    // TensorFlow 1.15's GraphDef producer version; TensorBoard only reads it.
    private const int Producer = 134;

    public static byte[] Serialize(Graph graph) => From(graph).ToByteArray();

    internal static GraphDef From(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var def = new GraphDef { Versions = new VersionDef { Producer = Producer } };
        foreach (var op in graph.Operations) def.Node.Add(Node(op));
        return def;
    }

    private static NodeDef Node(Operation op)
    {
        var node = new NodeDef { Name = op.Name, Op = op.Type, Device = op.Device };
        // TensorFlow leaves ":0" off the first output.
        foreach (var input in op.Inputs) node.Input.Add(input.ValueIndex == 0 ? input.Op.Name : input.Name);
        foreach (var control in op.ControlInputs) node.Input.Add("^" + control.Name);
        foreach (var (key, value) in op.Attrs.OrderBy(a => a.Key, StringComparer.Ordinal))
            if (Attr(value) is { } attr) node.Attr[key] = attr;
        if (op.Outputs.Count > 0 && !node.Attr.ContainsKey("dtype") && !node.Attr.ContainsKey("T"))
            node.Attr["T"] = new AttrValue { Type = DataTypeOf(op.Outputs[0].DType) };
        var shapes = new AttrValue.Types.ListValue();
        foreach (var output in op.Outputs) shapes.Shape.Add(ShapeOf(output.Shape));
        if (op.Outputs.Count > 0) node.Attr["_output_shapes"] = new AttrValue { List = shapes };
        return node;
    }

    // Values TensorBoard can show; a Const's tensor is left out (its dtype and _output_shapes describe it).
    private static AttrValue? Attr(object value) => value switch
    {
        DType d => new AttrValue { Type = DataTypeOf(d) },
        Shape s => new AttrValue { Shape = ShapeOf(s) },
        string s => new AttrValue { S = ByteString.CopyFromUtf8(s) },
        bool b => new AttrValue { B = b },
        int i => new AttrValue { I = i },
        long l => new AttrValue { I = l },
        float f => new AttrValue { F = f },
        double d => new AttrValue { F = (float)d },
        int[] ints => new AttrValue { List = new AttrValue.Types.ListValue { I = { ints.Select(i => (long)i) } } },
        _ => null,
    };

    internal static DataType DataTypeOf(DType dtype) => dtype switch
    {
        DType.Float32 => DataType.DtFloat,
        DType.Float64 => DataType.DtDouble,
        DType.Int32 => DataType.DtInt32,
        DType.Int64 => DataType.DtInt64,
        DType.Bool => DataType.DtBool,
        DType.String => DataType.DtString,
        _ => DataType.DtInvalid,
    };

    private static TensorShapeProto ShapeOf(Shape shape)
    {
        if (shape.IsUnknownRank) return new TensorShapeProto { UnknownRank = true };
        var proto = new TensorShapeProto();
        foreach (var d in shape) proto.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        return proto;
    }
}
