namespace ActorGraph.Kernels;

// Where a 2-D window (a convolution's filter, a pooling window) lands on an NHWC input: TensorFlow's
// output sizes and padding placement. SAME: out = ceil(in / stride), padding split with the odd one
// after; VALID: only windows that fit, out = ceil((in - k + 1) / stride).
public readonly record struct ConvGeometry(
    int Batch, int InHeight, int InWidth, int InChannels,
    int WindowHeight, int WindowWidth, int OutChannels,
    int StrideHeight, int StrideWidth,
    int OutHeight, int OutWidth, int PadTop, int PadLeft)
{
    public static ConvGeometry Of(int batch, int inHeight, int inWidth, int inChannels,
        int windowHeight, int windowWidth, int outChannels, int strideHeight, int strideWidth, bool same)
    {
        var (outHeight, padTop) = Axis(inHeight, windowHeight, strideHeight, same);
        var (outWidth, padLeft) = Axis(inWidth, windowWidth, strideWidth, same);
        return new(batch, inHeight, inWidth, inChannels, windowHeight, windowWidth, outChannels,
            strideHeight, strideWidth, outHeight, outWidth, padTop, padLeft);
    }

    // Output size and padding before, for one spatial axis; -1 for an output size when the input is unknown.
    public static (int Output, int PadBefore) Axis(int input, int window, int stride, bool same)
    {
        if (input < 0) return (-1, 0);
        if (!same) return (Math.Max(0, (input - window + stride) / stride), 0);
        int output = (input + stride - 1) / stride;
        int padTotal = Math.Max((output - 1) * stride + window - input, 0);
        return (output, padTotal / 2);
    }

    // Rows of the im2col matrix: one per output position.
    public int Rows => Batch * OutHeight * OutWidth;

    // Columns of the im2col matrix, ordered (kh, kw, ci) as a [h, w, in, out] filter's rows are.
    public int PatchSize => WindowHeight * WindowWidth * InChannels;

    public int InputImage => InHeight * InWidth * InChannels;

    public int OutputImage => OutHeight * OutWidth * OutChannels;

    // Multiply-adds of the forward convolution (and of each gradient).
    public long MultiplyAdds => (long)Rows * PatchSize * OutChannels;
}
