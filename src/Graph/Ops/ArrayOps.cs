using ActorGraph.Autodiff;
using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// Joining and cutting along an axis (attr "axis", negative from the end). Split, Unpack and the
// gradient of Concat (SplitToShapesOf) are single operations with one output per part.
internal static class ArrayOps
{
    public static IEnumerable<OpDef> Defs =>
    [
        new()
        {
            // The gradient cuts the incoming one back into the inputs' run-time shapes.
            Type = "ConcatV2", Name = "concat", Infer = InferConcat, Kernel = Concat,
            Gradient = g => GradUtil.SplitToShapesOf(g.Grad, g.Op.InputArray, g.Attr<int>("axis")),
        },
        new()
        {
            // The inputs, all of one shape, stacked along a new axis of the output.
            Type = "Pack", Name = "stack", Infer = InferPack, Kernel = Pack,
            Gradient = g => TF.Unpack(g.Grad, g.Op.InputArray.Length, g.Attr<int>("axis")),
        },
        new()
        {
            // attr "num": one output per position along the axis, which the outputs do not have.
            Type = "Unpack", Name = "unstack", Infer = InferUnpack, Kernel = Unpack,
            Gradient = g => [TF.Stack(g.AllGrads(), g.Attr<int>("axis"))],
        },
        new()
        {
            // attr "numSplit": that many equal parts.
            Type = "Split", Name = "split", Infer = InferSplit, Kernel = Split,
            Gradient = g => [TF.Concat(g.AllGrads(), g.Attr<int>("axis"))],
        },
        new()
        {
            // SplitToShapesOf(x, like_0, like_1, …): x cut into parts of the likes' run-time shapes.
            Type = "SplitToShapesOf", Infer = InferSplitToShapes, Kernel = SplitToShapes,
            Gradient = g => [TF.Concat(g.AllGrads(), g.Attr<int>("axis")), .. new Tensor?[g.Op.InputArray.Length - 1]],
        },
    ];

    private static TensorSpec[] InferConcat(InferContext ctx)
    {
        if (ctx.Inputs.Length == 0) throw ctx.Error("needs at least one value to concatenate");
        var dtype = ctx.SameDType();
        var known = ctx.Inputs.Select(t => t.Shape).Where(s => !s.IsUnknownRank).ToArray();
        if (known.Length == 0) return [new(dtype, Shape.Unknown)];
        int rank = known[0].Rank;
        if (known.Any(s => s.Rank != rank)) throw ctx.Error($"every value must have the same rank, got {ctx.Describe()}");
        if (rank == 0) throw ctx.Error($"cannot concatenate scalars; TF.Stack makes a vector of them; inputs: {ctx.Describe()}");
        int axis = AxisRules.Normalize(ctx, ctx.Attr<int>("axis"), rank);
        var dims = Enumerable.Repeat(-1, rank).ToArray();
        int total = 0;
        bool totalKnown = known.Length == ctx.Inputs.Length;
        foreach (var s in known)
        {
            for (int i = 0; i < rank; i++)
            {
                if (i == axis || s[i] < 0) continue;
                if (dims[i] >= 0 && dims[i] != s[i])
                    throw ctx.Error($"the values' shapes must match in every dimension but the axis {axis}; dimension {i} differs: {ctx.Describe()}");
                dims[i] = s[i];
            }
            if (s[axis] < 0) totalKnown = false;
            else total += s[axis];
        }
        dims[axis] = totalKnown ? total : -1;
        return [new(dtype, Shape.Own(dims))];
    }

    private static void Concat(KernelContext ctx)
    {
        var first = ctx.Input(0);
        int rank = first.Shape.Rank;
        if (rank == 0) throw AxisRules.RunError(ctx, "cannot concatenate scalars; TF.Stack makes a vector of them");
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), rank, first.Shape);
        var dims = first.Shape.ToArray();
        dims[axis] = 0;
        for (int n = 0; n < ctx.Inputs.Length; n++)
        {
            var x = ctx.Inputs[n];
            if (x.Shape.Rank != rank || Enumerable.Range(0, rank).Any(i => i != axis && x.Shape[i] != first.Shape[i]))
                throw AxisRules.RunError(ctx, $"ConcatOp : Dimensions of inputs should match: shape[0] = {first.Shape.ToBracketString()} vs. shape[{n}] = {x.Shape.ToBracketString()}");
            dims[axis] += x.Shape[axis];
        }
        AxisBlocks.Join(ctx.Inputs, AxisBlocks.Outer(dims, axis), ctx.Allocate(0, first.DType, Shape.Own(dims)));
    }

    private static TensorSpec[] InferPack(InferContext ctx)
    {
        if (ctx.Inputs.Length == 0) throw ctx.Error("needs at least one value to stack");
        var dtype = ctx.SameDType();
        Shape merged = ctx.Input(0).Shape;
        foreach (var t in ctx.Inputs)
            merged = AxisRules.Merge(merged, t.Shape) ?? throw ctx.Error($"every value must have the same shape, got {ctx.Describe()}");
        if (merged.IsUnknownRank) return [new(dtype, Shape.Unknown)];
        int axis = AxisRules.Normalize(ctx, ctx.Attr<int>("axis"), merged.Rank + 1);
        return [new(dtype, Shape.Own(AxisRules.With(merged.Dims, axis, ctx.Inputs.Length)))];
    }

    private static void Pack(KernelContext ctx)
    {
        var first = ctx.Input(0);
        for (int n = 1; n < ctx.Inputs.Length; n++)
            if (!ctx.Inputs[n].Shape.Equals(first.Shape))
                throw AxisRules.RunError(ctx, $"Shapes of all inputs must match: values[0].shape = {first.Shape.ToBracketString()} != values[{n}].shape = {ctx.Inputs[n].Shape.ToBracketString()}");
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), first.Shape.Rank + 1, first.Shape);
        var dims = AxisRules.With(first.Shape.Dims, axis, ctx.Inputs.Length);
        AxisBlocks.Join(ctx.Inputs, AxisBlocks.Outer(dims, axis), ctx.Allocate(0, first.DType, Shape.Own(dims)));
    }

    private static TensorSpec[] InferUnpack(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        int num = ctx.Attr<int>("num");
        if (x.Shape.IsUnknownRank) return Parts(x.DType, Shape.Unknown, num);
        if (x.Shape.Rank == 0) throw ctx.Error($"cannot unstack a scalar; inputs: {ctx.Describe()}");
        int axis = AxisRules.Normalize(ctx, ctx.Attr<int>("axis"), x.Shape.Rank);
        if (x.Shape[axis] >= 0 && x.Shape[axis] != num)
            throw ctx.Error($"dimension {axis} has size {x.Shape[axis]}, not {num}; inputs: {ctx.Describe()}");
        return Parts(x.DType, Shape.Own(AxisRules.Without(x.Shape.Dims, axis)), num);
    }

    private static void Unpack(KernelContext ctx)
    {
        var x = ctx.Input(0);
        int num = ctx.Op.Attr<int>("num");
        if (x.Shape.Rank == 0) throw AxisRules.RunError(ctx, "cannot unstack a scalar");
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), x.Shape.Rank, x.Shape);
        if (x.Shape[axis] != num)
            throw AxisRules.RunError(ctx, $"Input shape axis {axis} must equal {num}, got shape {x.Shape.ToBracketString()}");
        Cut(ctx, x, axis, Enumerable.Repeat(AxisRules.Without(x.Shape.Dims, axis), num));
    }

    private static TensorSpec[] InferSplit(InferContext ctx)
    {
        ctx.ExpectInputs(1);
        var x = ctx.Input(0);
        int num = ctx.Attr<int>("numSplit");
        if (num < 1) throw ctx.Error($"numSplit must be at least 1, got {num}; inputs: {ctx.Describe()}");
        if (x.Shape.IsUnknownRank) return Parts(x.DType, Shape.Unknown, num);
        if (x.Shape.Rank == 0) throw ctx.Error($"cannot split a scalar; inputs: {ctx.Describe()}");
        int axis = AxisRules.Normalize(ctx, ctx.Attr<int>("axis"), x.Shape.Rank);
        var dims = x.Shape.ToArray();
        if (dims[axis] >= 0 && dims[axis] % num != 0)
            throw ctx.Error($"Number of ways to split should evenly divide the split dimension, but got split_dim {axis} (size = {dims[axis]}) and num_split {num}; inputs: {ctx.Describe()}");
        if (dims[axis] >= 0) dims[axis] /= num;
        return Parts(x.DType, Shape.Own(dims), num);
    }

    private static void Split(KernelContext ctx)
    {
        var x = ctx.Input(0);
        int num = ctx.Op.Attr<int>("numSplit");
        if (x.Shape.Rank == 0) throw AxisRules.RunError(ctx, "cannot split a scalar");
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), x.Shape.Rank, x.Shape);
        var dims = x.Shape.ToArray();
        if (dims[axis] % num != 0)
            throw AxisRules.RunError(ctx, $"Number of ways to split should evenly divide the split dimension, but got split_dim {axis} (size = {dims[axis]}) and num_split {num}");
        dims[axis] /= num;
        Cut(ctx, x, axis, Enumerable.Repeat(dims, num));
    }

    private static TensorSpec[] InferSplitToShapes(InferContext ctx)
    {
        if (ctx.Inputs.Length < 2) throw ctx.Error("needs a value and at least one tensor to take a part's shape from");
        var dtype = ctx.Input(0).DType;
        return ctx.Inputs.Skip(1).Select(like => new TensorSpec(dtype, like.Shape)).ToArray();
    }

    private static void SplitToShapes(KernelContext ctx)
    {
        var x = ctx.Input(0);
        int axis = AxisRules.Normalize(ctx, ctx.Op.Attr<int>("axis"), x.Shape.Rank, x.Shape);
        var likes = ctx.Inputs.Skip(1).Select(l => l.Shape).ToArray();
        bool fits = likes.All(s => s.Rank == x.Shape.Rank && Enumerable.Range(0, s.Rank).All(i => i == axis || s[i] == x.Shape[i]))
            && likes.Sum(s => s[axis]) == x.Shape[axis];
        if (!fits)
            throw AxisRules.RunError(ctx, $"a value of shape {x.Shape.ToBracketString()} cannot be cut along axis {axis} into shapes {string.Join(", ", likes.Select(s => s.ToBracketString()))}");
        Cut(ctx, x, axis, likes.Select(s => s.Dims));
    }

    private static void Cut(KernelContext ctx, NDArray x, int axis, IEnumerable<int[]> partDims)
    {
        var parts = partDims.Select((dims, i) => ctx.Allocate(i, x.DType, dims)).ToArray();
        AxisBlocks.Cut(x, AxisBlocks.Outer(x.Shape.Dims, axis), parts);
    }

    private static TensorSpec[] Parts(DType dtype, Shape shape, int count) => Enumerable.Repeat(new TensorSpec(dtype, shape), count).ToArray();
}
