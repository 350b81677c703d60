using ActorGraph.Autodiff;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Ops that change how values are laid out or typed, not what they are: Reshape, Transpose, Cast.
internal static class ShapeOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // attr "shape": the target, with at most one -1 for "whatever is left".
            Type = "Reshape", Infer = InferReshape, Kernel = ctx => CopyAs(ctx, Resolve(ctx, ctx.Op.Attr<Shape>("shape"), ctx.Input(0).Length)),
            Gradient = g => [GradUtil.ReshapeLike(g.Grad, g.Input(0))],
        },
        new()
        {
            // ReshapeLike(x, like): x's values in like's run-time shape (the gradient of Reshape).
            Type = "ReshapeLike", Kernel = ctx => CopyAs(ctx, Resolve(ctx, ctx.Input(1).Shape, ctx.Input(0).Length)),
            Infer = ctx =>
            {
                ctx.ExpectInputs(2);
                long from = ctx.Input(0).Shape.Size, to = ctx.Input(1).Shape.Size;
                if (from >= 0 && to >= 0 && from != to)
                    throw ctx.Error($"cannot reshape a tensor with {from} values into shape {ctx.Input(1).Shape}, which has {to}; inputs: {ctx.Describe()}");
                return [new(ctx.Input(0).DType, ctx.Input(1).Shape)];
            },
            Gradient = g => [GradUtil.ReshapeLike(g.Grad, g.Input(0)), null],
        },
        new()
        {
            // attr "perm" (absent: reverse the axes): output axis i is input axis perm[i].
            Type = "Transpose", Name = "transpose", Infer = InferTranspose, Kernel = Transpose,
            Gradient = g => [TF.Transpose(g.Grad, Inverse(g.Attr<int[]?>("perm", null)))],
        },
        new()
        {
            // attr "dtype": the target element type. Only float-to-float casts pass a gradient.
            Type = "Cast", Kernel = Cast,
            Infer = ctx =>
            {
                ctx.ExpectInputs(1);
                var (from, to) = (ctx.Input(0).DType, ctx.Attr<DType>("dtype"));
                if ((from == DType.String) != (to == DType.String))
                    throw ctx.Error($"Cast {from.PythonName()} to {to.PythonName()} is not supported; strings convert to and from numbers only outside the graph");
                return [new(to, ctx.Input(0).Shape)];
            },
            Gradient = g => [g.Input(0).DType.IsFloating() && g.Output().DType.IsFloating() ? TF.Cast(g.Grad, g.Input(0).DType) : null],
        },
    ];

    private static TensorSpec[] InferReshape(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        var target = ctx.Attr<Shape>("shape");
        if (target.IsUnknownRank) throw ctx.Error("the target shape must have a known rank");
        var dims = target.ToArray();
        int unknown = Array.IndexOf(dims, -1);
        if (unknown >= 0 && Array.IndexOf(dims, -1, unknown + 1) > 0)
            throw ctx.Error($"only one dimension of the target shape {target} may be -1; inputs: {ctx.Describe()}");
        long size = x.Shape.Size, known = 1;
        foreach (int d in dims) if (d >= 0) known *= d;
        if (size < 0) return [new(x.DType, target)];
        if (unknown < 0 && known != size)
            throw ctx.Error($"cannot reshape a tensor with {size} values (shape {x.Shape}) into shape {target}, which has {known}; inputs: {ctx.Describe()}");
        if (unknown >= 0)
        {
            if (known == 0 ? size != 0 : size % known != 0)
                throw ctx.Error($"cannot reshape a tensor with {size} values (shape {x.Shape}) into shape {target}: {size} is not a multiple of {known}; inputs: {ctx.Describe()}");
            dims[unknown] = known == 0 ? 0 : (int)(size / known);
        }
        return [new(x.DType, Shape.Own(dims))];
    }

    // The concrete shape a tensor of `count` values takes; TensorFlow's text when it cannot.
    private static Shape Resolve(KernelContext ctx, Shape target, int count)
    {
        var dims = target.ToArray();
        int unknown = Array.IndexOf(dims, -1);
        long known = 1;
        foreach (int d in dims) if (d >= 0) known *= d;
        string where = $"{ctx.Op.Type} (op '{ctx.Op.Name}'): ";
        if (unknown < 0)
        {
            if (known != count)
                throw new InvalidArgumentException($"{where}Input to reshape is a tensor with {count} values, but the requested shape has {known}");
            return target;
        }
        if (known == 0 ? count != 0 : count % known != 0)
            throw new InvalidArgumentException($"{where}Input to reshape is a tensor with {count} values, but the requested shape requires a multiple of {known}");
        dims[unknown] = known == 0 ? 0 : (int)(count / known);
        return Shape.Own(dims);
    }

    // A copy rather than a view: the input's buffer is reused by its producer next step.
    private static void CopyAs(KernelContext ctx, Shape shape)
    {
        var x = ctx.Input(0);
        x.Bytes.CopyTo(ctx.Allocate(0, x.DType, shape).Bytes);
    }

    private static TensorSpec[] InferTranspose(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        var perm = ctx.Attr<int[]?>("perm", null);
        if (perm is not null && !IsPermutation(perm))
            throw ctx.Error($"perm [{string.Join(", ", perm)}] is not a permutation of 0..{perm.Length - 1}; inputs: {ctx.Describe()}");
        if (x.Shape.IsUnknownRank)
            return [new(x.DType, perm is null ? Shape.Unknown : Shape.Own(Enumerable.Repeat(-1, perm.Length).ToArray()))];
        int rank = x.Shape.Rank;
        if (perm is not null && perm.Length != rank)
            throw ctx.Error($"perm [{string.Join(", ", perm)}] has {perm.Length} axes but the input has rank {rank}; inputs: {ctx.Describe()}");
        perm ??= Reversed(rank);
        return [new(x.DType, Shape.Own(perm.Select(p => x.Shape[p]).ToArray()))];
    }

    private static void Transpose(KernelContext ctx)
    {
        var x = ctx.Input(0);
        int rank = x.Shape.Rank;
        var perm = ctx.Op.Attr<int[]?>("perm", null) ?? Reversed(rank);
        if (perm.Length != rank)
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): transpose expects a vector of size {rank}. But input(1) is a vector of size {perm.Length} (perm [{string.Join(", ", perm)}] for shape {x.Shape.ToBracketString()})");
        var dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = x.Shape[perm[i]];
        Kernels.Transpose.Into(x, perm, ctx.Allocate(0, x.DType, dims));
    }

    private static bool IsPermutation(int[] perm)
    {
        var seen = new bool[perm.Length];
        foreach (int p in perm)
        {
            if (p < 0 || p >= perm.Length || seen[p]) return false;
            seen[p] = true;
        }
        return true;
    }

    private static int[] Reversed(int rank) => Enumerable.Range(0, rank).Reverse().ToArray();

    // Null (reverse the axes) is its own inverse.
    private static int[]? Inverse(int[]? perm)
    {
        if (perm is null) return null;
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return inverse;
    }

    private static void Cast(KernelContext ctx)
    {
        var x = ctx.Input(0);
        var dtype = ctx.Op.Attr<DType>("dtype");
        if (x.DType == dtype) ctx.SetOutput(0, x);
        else Kernels.Cast.Into(x, ctx.Allocate(0, dtype, x.Shape));
    }
}
