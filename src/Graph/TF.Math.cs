namespace ActorGraph;

public static partial class TF
{
    public static Tensor Add(Tensor x, Tensor y, string? name = null) => Op("Add", [x, y], name);
    public static Tensor Subtract(Tensor x, Tensor y, string? name = null) => Op("Sub", [x, y], name);
    public static Tensor Multiply(Tensor x, Tensor y, string? name = null) => Op("Mul", [x, y], name);
    public static Tensor Divide(Tensor x, Tensor y, string? name = null) => Op("RealDiv", [x, y], name);
    public static Tensor Negate(Tensor x, string? name = null) => Op("Neg", [x], name);
    public static Tensor Square(Tensor x, string? name = null) => Op("Square", [x], name);
    public static Tensor ZerosLike(Tensor x, string? name = null) => Op("ZerosLike", [x], name);
    public static Tensor OnesLike(Tensor x, string? name = null) => Op("OnesLike", [x], name);
}
