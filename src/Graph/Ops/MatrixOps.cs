using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// MatMul of rank-2 matrices (attrs transposeA, transposeB), on the shared Gemm kernel.
internal static class MatrixOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            Type = "MatMul", Infer = InferMatMul, Kernel = MatMul,
            // d(op(A)·op(B)): the transposed flags pick which product gives each input's own layout.
            Gradient = g =>
            {
                Tensor a = g.Input(0), b = g.Input(1), grad = g.Grad;
                return (g.Attr("transposeA", false), g.Attr("transposeB", false)) switch
                {
                    (false, false) => [TF.MatMul(grad, b, transposeB: true), TF.MatMul(a, grad, transposeA: true)],
                    (false, true) => [TF.MatMul(grad, b), TF.MatMul(grad, a, transposeA: true)],
                    (true, false) => [TF.MatMul(b, grad, transposeB: true), TF.MatMul(a, grad)],
                    (true, true) => [TF.MatMul(b, grad, transposeA: true, transposeB: true), TF.MatMul(grad, a, transposeA: true, transposeB: true)],
                };
            },
        },
    ];

    private static TensorSpec[] InferMatMul(InferContext ctx)
    {
        ctx.ExpectInputs(2);
        var dtype = ctx.SameDType();
        if (!dtype.IsNumeric()) throw ctx.Error($"inputs must be numeric, got {ctx.Describe()}");
        Shape a = ctx.Input(0).Shape, b = ctx.Input(1).Shape;
        for (int i = 0; i < 2; i++)
            if (ctx.Input(i).Shape.Rank is >= 0 and not 2)
                throw ctx.Error($"input {i} must be a matrix (rank 2), got shape {ctx.Input(i).Shape}; inputs: {ctx.Describe()}");
        bool ta = ctx.Attr("transposeA", false), tb = ctx.Attr("transposeB", false);
        int m = Dim(a, ta ? 1 : 0), ka = Dim(a, ta ? 0 : 1), kb = Dim(b, tb ? 1 : 0), n = Dim(b, tb ? 0 : 1);
        if (ka >= 0 && kb >= 0 && ka != kb)
            throw ctx.Error($"Dimensions must be equal, but are {ka} and {kb}, with input shapes: {a.ToBracketString()}, {b.ToBracketString()} " +
                $"(transposeA: {ta}, transposeB: {tb}); inputs: {ctx.Describe()}");
        return [new(dtype, new Shape(m, n))];
    }

    private static int Dim(Shape s, int axis) => s.IsUnknownRank ? -1 : s[axis];

    private static void MatMul(KernelContext ctx)
    {
        NDArray a = ctx.Input(0), b = ctx.Input(1);
        string where = $"{ctx.Op.Type} (op '{ctx.Op.Name}'): ";
        for (int i = 0; i < 2; i++)
            if (ctx.Input(i).Shape.Rank != 2)
                throw new InvalidArgumentException($"{where}In[{i}] is not a matrix. Instead it has shape {ctx.Input(i).Shape.ToBracketString()}");
        bool ta = ctx.Op.Attr("transposeA", false), tb = ctx.Op.Attr("transposeB", false);
        int m = a.Shape[ta ? 1 : 0], k = a.Shape[ta ? 0 : 1], n = b.Shape[tb ? 0 : 1];
        if (b.Shape[tb ? 1 : 0] != k)
            throw new InvalidArgumentException($"{where}Matrix size-incompatible: In[0]: {a.Shape.ToBracketString()}, In[1]: {b.Shape.ToBracketString()}");
        var c = ctx.Allocate(0, a.DType, stackalloc int[] { m, n });
        int lda = a.Shape[1], ldb = b.Shape[1];
        switch (a.DType)
        {
            case DType.Float32: Gemm.Multiply(m, n, k, a.Span<float>(), lda, ta, b.Span<float>(), ldb, tb, c.Span<float>(), n); break;
            case DType.Float64: Gemm.Multiply(m, n, k, a.Span<double>(), lda, ta, b.Span<double>(), ldb, tb, c.Span<double>(), n); break;
            case DType.Int32: Gemm.Multiply(m, n, k, a.Span<int>(), lda, ta, b.Span<int>(), ldb, tb, c.Span<int>(), n); break;
            case DType.Int64: Gemm.Multiply(m, n, k, a.Span<long>(), lda, ta, b.Span<long>(), ldb, tb, c.Span<long>(), n); break;
            default: throw ElementwiseLoops.Unsupported(ctx, a.DType);
        }
    }
}
