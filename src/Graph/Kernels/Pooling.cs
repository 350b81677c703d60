using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

// Max and average pooling over NHWC windows (ConvGeometry with OutChannels = InChannels), and their
// gradients. Channels are innermost, so each window tap is one vector operation over a pixel's channels.
// A max-pool routes its gradient to the first maximum of a window in (row, column) order; an average
// divides by the taps inside the input only, as TensorFlow's SAME padding does.
public static unsafe class Pooling
{
    // Below this many window taps × channels a pooling runs on the calling thread.
    const long ParallelThreshold = 1L << 18;

    public static void Max<T>(in ConvGeometry g, ReadOnlySpan<T> input, Span<T> output) where T : unmanaged, INumber<T>
    {
        Check(g, input.Length, output.Length);
        var geometry = g;
        fixed (T* x = input, y = output)
        {
            nint px = (nint)x, py = (nint)y;
            ForImages(g, (first, end) =>
            {
                var w = new Windows(geometry);
                for (int n = first; n < end; n++)
                    for (int oh = 0; oh < geometry.OutHeight; oh++)
                        for (int ow = 0; ow < geometry.OutWidth; ow++)
                        {
                            var (h0, h1, w0, w1) = w.At(oh, ow);
                            var result = w.Out((T*)py, n, oh, ow);
                            w.In((T*)px, n, h0, w0).CopyTo(result);
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = ih == h0 ? w0 + 1 : w0; iw < w1; iw++)
                                    TensorPrimitives.Max(result, w.In((T*)px, n, ih, iw), result);
                        }
            });
        }
    }

    // inputGrad = each window's outputGrad added at its first maximum.
    public static void MaxGradient<T>(in ConvGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> outputGrad, Span<T> inputGrad)
        where T : unmanaged, INumber<T>
    {
        Check(g, input.Length, outputGrad.Length);
        Check(g, inputGrad.Length, outputGrad.Length);
        var geometry = g;
        fixed (T* x = input, dy = outputGrad, dx = inputGrad)
        {
            nint px = (nint)x, pdy = (nint)dy, pdx = (nint)dx;
            ForImages(g, (first, end) =>
            {
                new Span<T>((T*)pdx + (long)first * geometry.InputImage, (end - first) * geometry.InputImage).Clear();
                var maxima = new FirstMaxima<T>(geometry);
                for (int n = first; n < end; n++)
                    for (int oh = 0; oh < geometry.OutHeight; oh++)
                        for (int ow = 0; ow < geometry.OutWidth; ow++)
                        {
                            maxima.Find((T*)px, n, oh, ow);
                            var grad = maxima.Windows.Out((T*)pdy, n, oh, ow);
                            T* target = (T*)pdx + (long)n * geometry.InputImage;
                            for (int c = 0; c < grad.Length; c++) target[maxima.OffsetOf(c) + c] += grad[c];
                        }
            });
        }
    }

    // output = the value of gradOfInputGrad (input-shaped) at each window's first maximum: MaxGradient's own gradient.
    public static void MaxGradientGradient<T>(in ConvGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> gradOfInputGrad, Span<T> output)
        where T : unmanaged, INumber<T>
    {
        Check(g, input.Length, output.Length);
        Check(g, gradOfInputGrad.Length, output.Length);
        var geometry = g;
        fixed (T* x = input, gg = gradOfInputGrad, y = output)
        {
            nint px = (nint)x, pgg = (nint)gg, py = (nint)y;
            ForImages(g, (first, end) =>
            {
                var maxima = new FirstMaxima<T>(geometry);
                for (int n = first; n < end; n++)
                    for (int oh = 0; oh < geometry.OutHeight; oh++)
                        for (int ow = 0; ow < geometry.OutWidth; ow++)
                        {
                            maxima.Find((T*)px, n, oh, ow);
                            var result = maxima.Windows.Out((T*)py, n, oh, ow);
                            T* source = (T*)pgg + (long)n * geometry.InputImage;
                            for (int c = 0; c < result.Length; c++) result[c] = source[maxima.OffsetOf(c) + c];
                        }
            });
        }
    }

    public static void Average<T>(in ConvGeometry g, ReadOnlySpan<T> input, Span<T> output) where T : unmanaged, INumber<T>
    {
        Check(g, input.Length, output.Length);
        var geometry = g;
        fixed (T* x = input, y = output)
        {
            nint px = (nint)x, py = (nint)y;
            ForImages(g, (first, end) =>
            {
                var w = new Windows(geometry);
                for (int n = first; n < end; n++)
                    for (int oh = 0; oh < geometry.OutHeight; oh++)
                        for (int ow = 0; ow < geometry.OutWidth; ow++)
                        {
                            var (h0, h1, w0, w1) = w.At(oh, ow);
                            var result = w.Out((T*)py, n, oh, ow);
                            result.Clear();
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++)
                                    TensorPrimitives.Add(result, w.In((T*)px, n, ih, iw), result);
                            TensorPrimitives.Divide(result, T.CreateChecked((h1 - h0) * (w1 - w0)), result);
                        }
            });
        }
    }

    // inputGrad = each window's outputGrad shared equally among its taps inside the input.
    public static void AverageGradient<T>(in ConvGeometry g, ReadOnlySpan<T> outputGrad, Span<T> inputGrad) where T : unmanaged, INumber<T>
    {
        Check(g, inputGrad.Length, outputGrad.Length);
        var geometry = g;
        fixed (T* dy = outputGrad, dx = inputGrad)
        {
            nint pdy = (nint)dy, pdx = (nint)dx;
            ForImages(g, (first, end) =>
            {
                new Span<T>((T*)pdx + (long)first * geometry.InputImage, (end - first) * geometry.InputImage).Clear();
                var share = new T[geometry.InChannels];
                var w = new Windows(geometry);
                for (int n = first; n < end; n++)
                    for (int oh = 0; oh < geometry.OutHeight; oh++)
                        for (int ow = 0; ow < geometry.OutWidth; ow++)
                        {
                            var (h0, h1, w0, w1) = w.At(oh, ow);
                            TensorPrimitives.Divide(w.Out((T*)pdy, n, oh, ow), T.CreateChecked((h1 - h0) * (w1 - w0)), share);
                            for (int ih = h0; ih < h1; ih++)
                                for (int iw = w0; iw < w1; iw++)
                                {
                                    var target = w.In((T*)pdx, n, ih, iw);
                                    TensorPrimitives.Add(target, share, target);
                                }
                        }
            });
        }
    }

    // Finds, channel by channel and a vector of channels at a time, the first maximum of a window in
    // (row, column) order. The tap that holds it is kept as a number of T (exact for any window size), so the
    // comparison, the running maximum and the tap number all stay in vectors of one type.
    sealed class FirstMaxima<T>(ConvGeometry g) where T : unmanaged, INumber<T>
    {
        private readonly T[] _best = new T[g.InChannels], _tap = new T[g.InChannels];
        private readonly int[] _offsets = new int[g.WindowHeight * g.WindowWidth];

        public Windows Windows { get; } = new(g);

        // The offset within its image of the pixel holding channel c's maximum (the element: + c).
        public int OffsetOf(int c) => _offsets[int.CreateTruncating(_tap[c])];

        public void Find(T* x, int n, int oh, int ow)
        {
            var (h0, h1, w0, w1) = Windows.At(oh, ow);
            Span<T> best = _best, tapOfMax = _tap;
            Windows.In(x, n, h0, w0).CopyTo(best);
            tapOfMax.Clear();
            _offsets[0] = Windows.Offset(h0, w0);
            int tap = 0, channels = best.Length;
            for (int ih = h0; ih < h1; ih++)
                for (int iw = ih == h0 ? w0 + 1 : w0; iw < w1; iw++)
                {
                    _offsets[++tap] = Windows.Offset(ih, iw);
                    ReadOnlySpan<T> values = Windows.In(x, n, ih, iw);
                    T number = T.CreateChecked(tap);
                    int c = 0;
                    if (Vector.IsHardwareAccelerated)
                        for (; c + Vector<T>.Count <= channels; c += Vector<T>.Count)
                        {
                            Vector<T> v = new(values[c..]), b = new(best[c..]);
                            var greater = Vector.GreaterThan(v, b);
                            Vector.ConditionalSelect(greater, v, b).CopyTo(best[c..]);
                            Vector.ConditionalSelect(greater, new Vector<T>(number), new Vector<T>(tapOfMax[c..])).CopyTo(tapOfMax[c..]);
                        }
                    for (; c < channels; c++)
                        if (values[c] > best[c])
                        {
                            best[c] = values[c];
                            tapOfMax[c] = number;
                        }
                }
        }
    }

    // Window bounds clipped to the input, and the pixels of an image as spans over their channels.
    internal readonly struct Windows(ConvGeometry g)
    {
        public (int H0, int H1, int W0, int W1) At(int oh, int ow)
        {
            int top = oh * g.StrideHeight - g.PadTop, left = ow * g.StrideWidth - g.PadLeft;
            return (Math.Max(top, 0), Math.Min(top + g.WindowHeight, g.InHeight), Math.Max(left, 0), Math.Min(left + g.WindowWidth, g.InWidth));
        }

        public int Offset(int ih, int iw) => (ih * g.InWidth + iw) * g.InChannels;

        public Span<T> In<T>(T* x, int n, int ih, int iw) where T : unmanaged =>
            new(x + (long)n * g.InputImage + Offset(ih, iw), g.InChannels);

        public Span<T> Out<T>(T* y, int n, int oh, int ow) where T : unmanaged =>
            new(y + (long)n * g.OutputImage + (oh * g.OutWidth + ow) * g.InChannels, g.InChannels);
    }

    static void ForImages(in ConvGeometry g, Action<int, int> body)
    {
        long work = (long)g.Batch * g.OutputImage * g.WindowHeight * g.WindowWidth;
        int parts = work < ParallelThreshold ? 1 : Math.Min(Environment.ProcessorCount, g.Batch);
        if (parts <= 1)
        {
            body(0, g.Batch);
            return;
        }
        int batch = g.Batch;
        ComputeThreads.For(parts, p => body((int)((long)batch * p / parts), (int)((long)batch * (p + 1) / parts)));
    }

    static void Check(in ConvGeometry g, long input, long output)
    {
        long expectedInput = (long)g.Batch * g.InputImage, expectedOutput = (long)g.Batch * g.OutputImage;
        if (g.OutChannels != g.InChannels || input != expectedInput || output != expectedOutput)
            throw new ArgumentException($"Pooling buffers hold {input} and {output} elements; geometry {g} needs " +
                $"{expectedInput} (input) and {expectedOutput} (output), with as many output channels as input channels.");
    }
}
