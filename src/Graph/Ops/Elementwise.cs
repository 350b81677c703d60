using ActorGraph.Autodiff;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Element-wise math with NumPy broadcasting. Gradients of broadcast inputs are summed back to
// the input's shape (GradUtil.SumToShapeOf).
internal static class Elementwise
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "Add", Name = "add", Infer = Infer.NumericBinary, Kernel = ElementwiseLoops.Binary<AddOperator>,
            Gradient = g => [GradUtil.SumToShapeOf(g.Grad, g.Input(0)), GradUtil.SumToShapeOf(g.Grad, g.Input(1))],
        },
        new()
        {
            Type = "Sub", Name = "sub", Infer = Infer.NumericBinary, Kernel = ElementwiseLoops.Binary<SubtractOperator>,
            Gradient = g => [GradUtil.SumToShapeOf(g.Grad, g.Input(0)), GradUtil.SumToShapeOf(-g.Grad, g.Input(1))],
        },
        new()
        {
            Type = "Mul", Name = "mul", Infer = Infer.NumericBinary, Kernel = ElementwiseLoops.Binary<MultiplyOperator>,
            Gradient = g => [GradUtil.SumToShapeOf(g.Grad * g.Input(1), g.Input(0)), GradUtil.SumToShapeOf(g.Grad * g.Input(0), g.Input(1))],
        },
        new()
        {
            Type = "RealDiv", Name = "truediv", Infer = Infer.NumericBinary, Kernel = ElementwiseLoops.Binary<DivideOperator>,
            Gradient = g => [
                GradUtil.SumToShapeOf(g.Grad / g.Input(1), g.Input(0)),
                GradUtil.SumToShapeOf(-g.Grad * g.Input(0) / TF.Square(g.Input(1)), g.Input(1)),
            ],
        },
        new()
        {
            Type = "Neg", Infer = Infer.NumericUnary, Kernel = ElementwiseLoops.Unary<NegateOperator>,
            Gradient = g => [-g.Grad],
        },
        new()
        {
            Type = "Square", Infer = Infer.NumericUnary, Kernel = ElementwiseLoops.Unary<SquareOperator>,
            Gradient = g => [g.Grad * (2 * g.Input(0))],
        },
    ];
}
