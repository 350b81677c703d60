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
        new()
        {
            Type = "Sqrt", Infer = Infer.FloatingUnary, Kernel = ElementwiseLoops.FloatingUnary<SqrtOperator>,
            Gradient = g => [g.Grad / (2 * g.Output())],
        },
        new()
        {
            Type = "Exp", Infer = Infer.FloatingUnary, Kernel = ElementwiseLoops.FloatingUnary<ExpOperator>,
            Gradient = g => [g.Grad * g.Output()],
        },
        new()
        {
            Type = "Log", Infer = Infer.FloatingUnary, Kernel = ElementwiseLoops.FloatingUnary<LogOperator>,
            Gradient = g => [g.Grad / g.Input(0)],
        },
        new()
        {
            Type = "Abs", Infer = Infer.NumericUnary, Kernel = ElementwiseLoops.Unary<AbsOperator>,
            Gradient = g => [g.Grad * TF.Sign(g.Input(0))],
        },
        new()
        {
            // Piecewise constant: a zero gradient, as TensorFlow's.
            Type = "Sign", Infer = Infer.NumericUnary, Kernel = ElementwiseLoops.Unary<SignOperator>,
            Gradient = g => [TF.ZerosLike(g.Input(0))],
        },
        new()
        {
            // d/dy x^y = x^y · log x, taken as 0 where x <= 0 (TensorFlow's guard against log of 0 or less).
            Type = "Pow", Infer = Infer.FloatingBinary, Kernel = ElementwiseLoops.FloatingBinary<PowOperator>,
            Gradient = g =>
            {
                Tensor x = g.Input(0), y = g.Input(1);
                var positive = TF.Cast(TF.Greater(x, TF.ScalarLike(x, 0)), x.DType);
                var logX = TF.Log(x * positive + (1 - positive));
                return [GradUtil.SumToShapeOf(g.Grad * y * TF.Pow(x, y - 1), x), GradUtil.SumToShapeOf(g.Grad * g.Output() * logX, y)];
            },
        },
        new()
        {
            // The gradient goes to the input that was selected; to x on ties.
            Type = "Maximum", Infer = Infer.NumericBinary, Kernel = ElementwiseLoops.Binary<MaximumOperator>,
            Gradient = g => Route(g, TF.GreaterEqual(g.Input(0), g.Input(1))),
        },
        new()
        {
            Type = "Minimum", Infer = Infer.NumericBinary, Kernel = ElementwiseLoops.Binary<MinimumOperator>,
            Gradient = g => Route(g, TF.LessEqual(g.Input(0), g.Input(1))),
        },
    ];

    private static Tensor?[] Route(GradContext g, Tensor toX)
    {
        var mask = TF.Cast(toX, g.Grad.DType);
        return [GradUtil.SumToShapeOf(g.Grad * mask, g.Input(0)), GradUtil.SumToShapeOf(g.Grad * (1 - mask), g.Input(1))];
    }
}
