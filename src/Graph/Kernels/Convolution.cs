using System.Numerics;
using System.Numerics.Tensors;

namespace ActorGraph.Kernels;

// Conv2D and its two gradients as products on the shared Gemm. A block of output positions' patches is
// copied into an im2col block (one row per output position, columns (kh, kw, ci)) that stays in L2, and
// multiplied by the filter, read in place as the [h·w·in, out] matrix that a [h, w, in, out] filter is.
// With fewer than Gemm.PackAMinN output channels the micro-kernel reads the block in place, so each patch
// is copied once. The rows are split over the compute threads (the col2im input gradient by images, so that
// no two threads add into the same input pixels). Layout choices and measurements: docs/performance.md, "Convolution".
public static unsafe class Convolution
{
    // Elements in one im2col block: 64 Ki (256 KiB of float32) keeps the block and the
    // filter's packed panel in a 1 MiB L2 while the product streams over them.
    internal static int BlockElements = 1 << 16;

    // A block of fewer rows makes each product too thin for the micro-kernel; of more, it re-reads C too rarely to matter.
    const int MinBlockRows = 48, MaxBlockRows = 4096;

    // The narrowest turned filter worth a product of its own: one micro-kernel panel (Gemm.NR) of output columns.
    const int TransposedMinChannels = 16;

    // Parts are claimed by whichever thread is free (ComputeThreads), so more than one per thread would let a
    // free thread take over a preempted one's work; 1 and 4 measured within noise on a shared machine (bench --parts).
    internal static int PartsPerThread = 1;

    // Below ~2^21 multiply-adds a convolution takes well under 100 µs: splitting it costs more than it saves.
    const long ParallelThreshold = 1L << 21;

    public static void Forward<T>(in ConvGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> filter, Span<T> output)
        where T : unmanaged, INumber<T>
    {
        Check(g, input.Length, filter.Length, output.Length);
        if (output.IsEmpty) return;
        var geometry = g;
        fixed (T* x = input, w = filter, y = output)
        {
            nint px = (nint)x, pw = (nint)w, py = (nint)y;
            ForParts(g.Rows, Parts(g), (_, start, end) => ForwardRows(geometry, (T*)px, (T*)pw, (T*)py, start, end));
        }
    }

    // With stride 1 the input gradient is itself a convolution: of the output gradient, padded by what the
    // forward pass left off, with the filter turned 180° and its channels swapped. It runs as Forward does,
    // copying patches instead of scattering them; measured at about twice col2im's speed on the CNN's conv2.
    // Other strides, and few input channels (whose turned filter makes a product too narrow: conv1's with one
    // channel ran at half col2im's speed), scatter: input gradient = col2im(outputGrad · filterᵀ).
    public static void InputGradient<T>(in ConvGeometry g, ReadOnlySpan<T> filter, ReadOnlySpan<T> outputGrad, Span<T> inputGrad)
        where T : unmanaged, INumber<T>
    {
        Check(g, inputGrad.Length, filter.Length, outputGrad.Length);
        if (inputGrad.IsEmpty) return;
        if (g.StrideHeight == 1 && g.StrideWidth == 1 && g.InChannels >= TransposedMinChannels)
        {
            var turned = Scratch<T>.Turned(filter.Length);
            TurnFilter(g, filter, turned);
            Forward(Transposed(g), outputGrad, turned.AsSpan(0, filter.Length), inputGrad);
            return;
        }
        var geometry = g;
        fixed (T* w = filter, dy = outputGrad, dx = inputGrad)
        {
            nint pw = (nint)w, pdy = (nint)dy, pdx = (nint)dx;
            int parts = Math.Min(Parts(g), g.Batch);
            ForParts(g.Batch, parts, (_, first, end) => InputGradientImages(geometry, (T*)pw, (T*)pdy, (T*)pdx, first, end));
        }
    }

    // The stride-1 convolution that maps an output gradient to the input gradient: the output gradient is its
    // input, the forward input its output, and it pads each side by the window minus one minus the forward pad.
    static ConvGeometry Transposed(in ConvGeometry g) =>
        new(g.Batch, g.OutHeight, g.OutWidth, g.OutChannels, g.WindowHeight, g.WindowWidth, g.InChannels, 1, 1,
            g.InHeight, g.InWidth, g.WindowHeight - 1 - g.PadTop, g.WindowWidth - 1 - g.PadLeft);

    // turned[kh, kw, o, c] = filter[KH - 1 - kh, KW - 1 - kw, c, o].
    static void TurnFilter<T>(in ConvGeometry g, ReadOnlySpan<T> filter, T[] turned) where T : unmanaged
    {
        int kh = g.WindowHeight, kw = g.WindowWidth, inC = g.InChannels, outC = g.OutChannels;
        for (int h = 0; h < kh; h++)
            for (int w = 0; w < kw; w++)
            {
                int from = ((kh - 1 - h) * kw + (kw - 1 - w)) * inC * outC, to = (h * kw + w) * outC * inC;
                for (int c = 0; c < inC; c++)
                    for (int o = 0; o < outC; o++)
                        turned[to + o * inC + c] = filter[from + c * outC + o];
            }
    }

    // filter gradient = im2col(input)ᵀ · outputGrad, each thread summing its rows into a partial of its own.
    public static void FilterGradient<T>(in ConvGeometry g, ReadOnlySpan<T> input, ReadOnlySpan<T> outputGrad, Span<T> filterGrad)
        where T : unmanaged, INumber<T>
    {
        Check(g, input.Length, filterGrad.Length, outputGrad.Length);
        if (filterGrad.IsEmpty) return;
        int parts = Parts(g), size = filterGrad.Length;
        var partials = parts > 1 ? Scratch<T>.Partials((parts - 1) * size) : null;
        var geometry = g;
        fixed (T* x = input, dy = outputGrad, dw = filterGrad, extra = partials)
        {
            nint px = (nint)x, pdy = (nint)dy, pdw = (nint)dw, pextra = (nint)extra;
            // Part p sums into the result itself when p = 0, into a scratch slice otherwise.
            ForParts(g.Rows, parts, (part, start, end) =>
                FilterGradientRows(geometry, (T*)px, (T*)pdy, part == 0 ? (T*)pdw : (T*)pextra + (long)(part - 1) * size, size, start, end));
            for (int p = 1; p < parts; p++)
                TensorPrimitives.Add(filterGrad, new ReadOnlySpan<T>(extra + (long)(p - 1) * size, size), filterGrad);
        }
    }

    static void ForwardRows<T>(in ConvGeometry g, T* x, T* w, T* y, int start, int end) where T : unmanaged, INumber<T>
    {
        int k = g.PatchSize, blockRows = BlockRows(k);
        T* col = Scratch<T>.Block(blockRows * k);
        for (int r = start; r < end; r += blockRows)
        {
            int rows = Math.Min(blockRows, end - r);
            Im2Col(g, x, r, rows, col);
            Multiply(rows, g.OutChannels, k, col, k, false, w, g.OutChannels, false, y + (long)r * g.OutChannels, g.OutChannels, false);
        }
    }

    static void InputGradientImages<T>(in ConvGeometry g, T* w, T* dy, T* dx, int first, int end) where T : unmanaged, INumber<T>
    {
        new Span<T>(dx + (long)first * g.InputImage, (end - first) * g.InputImage).Clear();
        int k = g.PatchSize, blockRows = BlockRows(k), rowsPerImage = g.OutHeight * g.OutWidth;
        T* col = Scratch<T>.Block(blockRows * k);
        for (int r = first * rowsPerImage, stop = end * rowsPerImage; r < stop; r += blockRows)
        {
            int rows = Math.Min(blockRows, stop - r);
            Multiply(rows, k, g.OutChannels, dy + (long)r * g.OutChannels, g.OutChannels, false, w, g.OutChannels, true, col, k, false);
            Col2ImAdd(g, col, r, rows, dx);
        }
    }

    static void FilterGradientRows<T>(in ConvGeometry g, T* x, T* dy, T* dw, int size, int start, int end) where T : unmanaged, INumber<T>
    {
        if (start == end) new Span<T>(dw, size).Clear();
        int k = g.PatchSize, blockRows = BlockRows(k);
        T* col = Scratch<T>.Block(blockRows * k);
        for (int r = start; r < end; r += blockRows)
        {
            int rows = Math.Min(blockRows, end - r);
            Im2Col(g, x, r, rows, col);
            Multiply(k, g.OutChannels, rows, col, k, true, dy + (long)r * g.OutChannels, g.OutChannels, false, dw, g.OutChannels, r > start);
        }
    }

    // Rows [row0, row0 + rows) of the im2col matrix into col; padding reads as zeros. Within one filter row
    // the in-bounds taps are adjacent pixels, so each is one contiguous copy of NHWC input.
    static void Im2Col<T>(in ConvGeometry g, T* x, int row0, int rows, T* col) where T : unmanaged, INumber<T>
    {
        int c = g.InChannels, tapRow = g.WindowWidth * c, positions = g.OutHeight * g.OutWidth;
        for (int i = 0; i < rows; i++)
        {
            int r = row0 + i, n = r / positions, oh = r % positions / g.OutWidth, ow = r % g.OutWidth;
            int ih0 = oh * g.StrideHeight - g.PadTop, iw0 = ow * g.StrideWidth - g.PadLeft;
            int kwLo = Math.Max(0, -iw0), kwHi = Math.Min(g.WindowWidth, g.InWidth - iw0);
            T* dst = col + (long)i * g.PatchSize;
            for (int kh = 0; kh < g.WindowHeight; kh++, dst += tapRow)
            {
                int ih = ih0 + kh;
                if (ih < 0 || ih >= g.InHeight || kwLo >= kwHi)
                {
                    new Span<T>(dst, tapRow).Clear();
                    continue;
                }
                T* src = x + (((long)n * g.InHeight + ih) * g.InWidth + iw0 + kwLo) * c;
                if (kwLo > 0) new Span<T>(dst, kwLo * c).Clear();
                new ReadOnlySpan<T>(src, (kwHi - kwLo) * c).CopyTo(new Span<T>(dst + kwLo * c, (kwHi - kwLo) * c));
                if (kwHi < g.WindowWidth) new Span<T>(dst + kwHi * c, (g.WindowWidth - kwHi) * c).Clear();
            }
        }
    }

    // The reverse of Im2Col: adds each in-bounds tap of rows [row0, row0 + rows) of col into its input pixel.
    static void Col2ImAdd<T>(in ConvGeometry g, T* col, int row0, int rows, T* dx) where T : unmanaged, INumber<T>
    {
        int c = g.InChannels, tapRow = g.WindowWidth * c, positions = g.OutHeight * g.OutWidth;
        for (int i = 0; i < rows; i++)
        {
            int r = row0 + i, n = r / positions, oh = r % positions / g.OutWidth, ow = r % g.OutWidth;
            int ih0 = oh * g.StrideHeight - g.PadTop, iw0 = ow * g.StrideWidth - g.PadLeft;
            int kwLo = Math.Max(0, -iw0), kwHi = Math.Min(g.WindowWidth, g.InWidth - iw0);
            if (kwLo >= kwHi) continue;
            T* src = col + (long)i * g.PatchSize;
            for (int kh = 0; kh < g.WindowHeight; kh++, src += tapRow)
            {
                int ih = ih0 + kh;
                if (ih < 0 || ih >= g.InHeight) continue;
                var dst = new Span<T>(dx + (((long)n * g.InHeight + ih) * g.InWidth + iw0 + kwLo) * c, (kwHi - kwLo) * c);
                TensorPrimitives.Add(dst, new ReadOnlySpan<T>(src + kwLo * c, dst.Length), dst);
            }
        }
    }

    static void Multiply<T>(int m, int n, int k, T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc, bool accumulate)
        where T : unmanaged
    {
        int aLength = Extent(transA ? k : m, transA ? m : k, lda), bLength = Extent(transB ? n : k, transB ? k : n, ldb), cLength = Extent(m, n, ldc);
        if (typeof(T) == typeof(float))
            Gemm.Multiply(m, n, k, new ReadOnlySpan<float>(a, aLength), lda, transA, new ReadOnlySpan<float>(b, bLength), ldb, transB,
                new Span<float>(c, cLength), ldc, accumulate, maxThreads: 1);
        else if (typeof(T) == typeof(double))
            Gemm.Multiply(m, n, k, new ReadOnlySpan<double>(a, aLength), lda, transA, new ReadOnlySpan<double>(b, bLength), ldb, transB,
                new Span<double>(c, cLength), ldc, accumulate, maxThreads: 1);
        else
            throw new NotSupportedException($"Convolution runs on float32 and float64, not {typeof(T).Name}.");
    }

    static int Extent(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;

    static int BlockRows(int patchSize) => Math.Clamp(BlockElements / Math.Max(1, patchSize), MinBlockRows, MaxBlockRows);

    static int Parts(in ConvGeometry g)
    {
        long work = g.MultiplyAdds;
        return work < ParallelThreshold ? 1 : Math.Max(1, Math.Min(Environment.ProcessorCount * PartsPerThread, g.Rows / MinBlockRows));
    }

    // Splits [0, total) into `parts` ranges of near-equal size and runs body(part, start, end) on each,
    // an empty range too, so that a per-part result is always written.
    static void ForParts(int total, int parts, Action<int, int, int> body)
    {
        if (parts <= 1)
        {
            body(0, 0, total);
            return;
        }
        ComputeThreads.For(parts, p => body(p, (int)((long)total * p / parts), (int)((long)total * (p + 1) / parts)));
    }

    static void Check(in ConvGeometry g, long input, long filter, long output)
    {
        long expectedInput = (long)g.Batch * g.InputImage, expectedFilter = (long)g.PatchSize * g.OutChannels,
            expectedOutput = (long)g.Batch * g.OutputImage;
        if (input != expectedInput || filter != expectedFilter || output != expectedOutput)
            throw new ArgumentException($"Convolution buffers hold {input}, {filter} and {output} elements; geometry {g} needs " +
                $"{expectedInput} (input), {expectedFilter} (filter) and {expectedOutput} (output).");
    }

    // Pinned per-thread buffers: no allocation per call, stable addresses for the pointer kernels.
    static class Scratch<T> where T : unmanaged
    {
        [ThreadStatic] static T[]? t_block;
        [ThreadStatic] static T[]? t_partials;
        [ThreadStatic] static T[]? t_turned;

        public static T* Block(int length) => Pin(ref t_block, length);

        public static T[] Partials(int length)
        {
            Pin(ref t_partials, length);
            return t_partials!;
        }

        public static T[] Turned(int length)
        {
            Pin(ref t_turned, length);
            return t_turned!;
        }

        static T* Pin(ref T[]? array, int length)
        {
            if (array is null || array.Length < length)
                array = GC.AllocateUninitializedArray<T>(Math.Max(length, 1), pinned: true);
            return (T*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array));
        }
    }
}
