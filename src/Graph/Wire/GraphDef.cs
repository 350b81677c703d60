using MessagePack;

namespace ActorGraph.Wire;

// A whole graph as it is saved (TensorFlow's GraphDef plus the variables collection of a
// MetaGraphDef): its ops in creation order, and for each variable the ops that initialize it,
// which live outside the ops themselves.
[MessagePackObject]
public sealed record GraphDef(
    [property: Key(0)] OperationDef[] Operations,
    [property: Key(1)] VariableDef[] Variables);

// TensorFlow's VariableDef: the variable's op, its initializer op and its initial value tensor.
[MessagePackObject]
public sealed record VariableDef(
    [property: Key(0)] string Name,
    [property: Key(1)] string Initializer,
    [property: Key(2)] string InitialValue);
