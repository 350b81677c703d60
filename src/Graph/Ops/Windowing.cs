using ActorGraph.Kernels;

namespace ActorGraph.Ops;

// The attributes that convolution and pooling share (NHWC strides [1, sh, sw, 1], a pooling's ksize
// [1, kh, kw, 1], padding "SAME" or "VALID" in either case), checked when the op is built, and the
// geometry its kernels run on, worked out from the run-time shapes.
internal readonly record struct Windowing(int StrideHeight, int StrideWidth, bool Same, int WindowHeight, int WindowWidth)
{
    public static Windowing Of(IReadOnlyDictionary<string, object> attrs, Func<string, Exception> error, bool pooling)
    {
        var strides = Attr<int[]>(attrs, "strides", error);
        CheckSpatial(strides, "strides", "[1, stride_height, stride_width, 1]", error);
        var padding = Attr<string>(attrs, "padding", error);
        bool same = padding.Equals("SAME", StringComparison.OrdinalIgnoreCase);
        if (!same && !padding.Equals("VALID", StringComparison.OrdinalIgnoreCase))
            throw error($"padding must be \"SAME\" or \"VALID\" (either case), got \"{padding}\"");
        if (!pooling) return new(strides[1], strides[2], same, 0, 0);
        var ksize = Attr<int[]>(attrs, "ksize", error);
        CheckSpatial(ksize, "ksize", "[1, window_height, window_width, 1]", error);
        return new(strides[1], strides[2], same, ksize[1], ksize[2]);
    }

    public static Windowing Of(InferContext ctx, bool pooling) => Of(ctx.Attrs, ctx.Error, pooling);

    // Parsed once per plan and kept in the kernel's state.
    public static Windowing Of(KernelContext ctx, bool pooling) =>
        ctx.State as Windowing? ?? (Windowing)(ctx.State = Of(ctx.Op.Attrs, problem => new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): {problem}."), pooling));

    // The static shape [batch, out_height, out_width, channels] of a window op on an input of static shape
    // `input` (any dimension may be unknown, -1); a VALID window larger than a known input is an error.
    public Shape OutputShape(InferContext ctx, Shape input, int windowHeight, int windowWidth, int channels)
    {
        if (input.IsUnknownRank) return new Shape(-1, -1, -1, channels);
        var (height, _) = Axis(ctx, input, 1, windowHeight, StrideHeight);
        var (width, _) = Axis(ctx, input, 2, windowWidth, StrideWidth);
        return new Shape(input[0], height, width, channels);
    }

    private (int, int) Axis(InferContext ctx, Shape input, int axis, int window, int stride)
    {
        // A SAME output's size does not depend on the window; a VALID one's is unknown with the window.
        if (window < 0) return (Same ? ConvGeometry.Axis(input[axis], 1, stride, true).Output : -1, 0);
        if (!Same && input[axis] >= 0 && input[axis] < window)
            throw ctx.Error($"with VALID padding the window ({window}) must fit in the input, but input dimension {axis} is {input[axis]} " +
                $"(input shape {input}); use \"SAME\" padding or a smaller window; inputs: {ctx.Describe()}");
        return ConvGeometry.Axis(input[axis], window, stride, Same);
    }

    // The geometry of a convolution of `input` [n, h, w, in] with a filter [kh, kw, in, out], or of a pooling (out = in).
    public ConvGeometry Geometry(Shape input, int windowHeight, int windowWidth, int outChannels) =>
        ConvGeometry.Of(input[0], input[1], input[2], input[3], windowHeight, windowWidth, outChannels, StrideHeight, StrideWidth, Same);

    // Run-time check that a value is NHWC; TensorFlow's wording.
    public static void ExpectRank4(KernelContext ctx, NDArray value, string what)
    {
        if (value.Shape.Rank != 4)
            throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): {what} must be 4-dimensional, got shape {value.Shape.ToBracketString()}");
    }

    private static T Attr<T>(IReadOnlyDictionary<string, object> attrs, string key, Func<string, Exception> error) =>
        attrs.TryGetValue(key, out var value) && value is T typed ? typed : throw error($"missing attribute '{key}'");

    private static void CheckSpatial(int[] values, string name, string form, Func<string, Exception> error)
    {
        if (values.Length != 4 || values[0] != 1 || values[3] != 1 || values[1] < 1 || values[2] < 1)
            throw error($"{name} must be {form} with positive sizes (NHWC: batch and channels take 1), got [{string.Join(", ", values)}]");
    }
}
