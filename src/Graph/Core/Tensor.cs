namespace ActorGraph;

// A pointer to one output of an operation. Identity is by reference, as in TensorFlow.
public partial class Tensor
{
    internal Tensor(Operation op, int valueIndex, DType dtype, Shape shape)
    {
        Op = op;
        ValueIndex = valueIndex;
        DType = dtype;
        Shape = shape;
    }

    public Operation Op { get; }
    public int ValueIndex { get; }
    public DType DType { get; }
    public Shape Shape { get; }
    public Graph Graph => Op.Graph;
    // Made once: planning names every tensor of a plan, several times.
    public string Name => _name ??= $"{Op.Name}:{ValueIndex}";
    private string? _name;

    // A graph-wide number for plan keys and value slots.
    internal int Key => Op.FirstOutputKey + ValueIndex;

    // TensorFlow's Tensor.__str__: the shape only when its rank is known, the device only when placed.
    public override string ToString() =>
        $"Tensor(\"{Name}\"{(Shape.IsUnknownRank ? "" : $", shape={Shape}")}, dtype={DType.PythonName()}{(Op.Device.Length == 0 ? "" : $", device={Op.Device}")})";
}

// A variable's value as a tensor. Its op (type VariableV2) is named after the variable.
public sealed class Variable : Tensor
{
    internal Variable(Operation op, Shape shape, DType dtype, bool trainable) : base(op, 0, dtype, shape)
    {
        Trainable = trainable;
    }

    public Operation Initializer { get; internal set; } = null!;
    public Tensor InitialValue { get; internal set; } = null!;
    public bool Trainable { get; }
    public string VariableName => Op.Name;

    // As TensorFlow 1 prints a (reference) variable.
    public override string ToString() => $"<tf.Variable '{Name}' shape={Shape} dtype={DType.PythonName()}_ref>";
}
