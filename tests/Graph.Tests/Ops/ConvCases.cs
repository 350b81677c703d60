namespace ActorGraph.GraphTests.Ops;

// Rows of the op table for convolution, pooling, BiasAdd and Dropout: SAME padding on odd sizes (where the
// odd pad goes after), stride 2, unequal strides and windows, VALID, and padding spelled in either case.
public static class ConvCases
{
    // (input, filter, strides, padding)
    private static readonly (Shape Input, Shape Filter, int[] Strides, string Padding)[] Convolutions =
    [
        ([2, 5, 5, 2], [3, 3, 2, 3], [1, 1, 1, 1], "SAME"),
        ([1, 6, 7, 2], [3, 2, 2, 2], [1, 2, 2, 1], "SAME"),
        ([1, 5, 5, 1], [4, 4, 1, 2], [1, 2, 2, 1], "same"),
        ([1, 7, 6, 1], [2, 3, 1, 2], [1, 2, 1, 1], "VALID"),
        ([2, 5, 5, 3], [3, 3, 3, 2], [1, 2, 2, 1], "valid"),
        ([2, 3, 4, 3], [1, 1, 3, 2], [1, 1, 1, 1], "VALID"),
    ];

    // (input, ksize, strides, padding)
    private static readonly (Shape Input, int[] Window, int[] Strides, string Padding)[] Poolings =
    [
        ([2, 5, 5, 2], [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
        ([1, 6, 7, 3], [1, 3, 3, 1], [1, 2, 2, 1], "VALID"),
        ([1, 5, 4, 2], [1, 3, 3, 1], [1, 1, 1, 1], "same"),
        ([2, 4, 7, 1], [1, 2, 3, 1], [1, 1, 2, 1], "valid"),
    ];

    public static IEnumerable<OpCase> All()
    {
        foreach (var (input, filter, strides, padding) in Convolutions)
        {
            var window = new Window(filter[0], filter[1], strides[1], strides[2], padding.Equals("SAME", StringComparison.OrdinalIgnoreCase));
            Shape output = window.Output(input, filter[3]);
            string geometry = $"{input} filter {filter} strides {strides[1]}x{strides[2]} {padding}";
            var attrs = new Dictionary<string, object> { ["strides"] = strides, ["padding"] = padding };
            yield return new($"Conv2D {geometry}", "Conv2D", [input, filter],
                t => TF.Conv2D(t[0], t[1], strides, padding), v => Conv2D(v[0], v[1], window));
            yield return new($"Conv2DBackpropInput {geometry}", "Conv2DBackpropInput", [input, filter, output],
                t => TF.Op("Conv2DBackpropInput", t, attrs: attrs), v => Conv2DBackpropInput(v[0].Dims, v[1], v[2], window));
            yield return new($"Conv2DBackpropFilter {geometry}", "Conv2DBackpropFilter", [input, filter, output],
                t => TF.Op("Conv2DBackpropFilter", t, attrs: attrs), v => Conv2DBackpropFilter(v[0], v[1].Dims, v[2], window));
        }
        foreach (var (input, ksize, strides, padding) in Poolings)
        {
            var window = new Window(ksize[1], ksize[2], strides[1], strides[2], padding.Equals("SAME", StringComparison.OrdinalIgnoreCase));
            Shape output = window.Output(input, input[3]);
            string geometry = $"{input} window {ksize[1]}x{ksize[2]} strides {strides[1]}x{strides[2]} {padding}";
            var attrs = new Dictionary<string, object> { ["ksize"] = ksize, ["strides"] = strides, ["padding"] = padding };
            yield return new($"MaxPool {geometry}", "MaxPool", [input], t => TF.MaxPool(t[0], ksize, strides, padding), v => MaxPool(v[0], window));
            yield return new($"AvgPool {geometry}", "AvgPool", [input], t => TF.AvgPool(t[0], ksize, strides, padding), v => AvgPool(v[0], window));
            yield return new($"MaxPoolGrad {geometry}", "MaxPoolGrad", [input, output],
                t => TF.Op("MaxPoolGrad", [t[0], TF.MaxPool(t[0], ksize, strides, padding), t[1]], attrs: attrs),
                v => MaxPoolGrad(v[0], v[1], window));
            yield return new($"MaxPoolGradGrad {geometry}", "MaxPoolGradGrad", [input, input],
                t => TF.Op("MaxPoolGradGrad", [t[0], TF.MaxPool(t[0], ksize, strides, padding), t[1]], attrs: attrs),
                v => MaxPoolGradGrad(v[0], v[1], window));
            yield return new($"AvgPoolGrad {geometry}", "AvgPoolGrad", [input, output],
                t => TF.Op("AvgPoolGrad", t, attrs: attrs), v => AvgPoolGrad(v[0].Dims, v[1], window));
        }
        foreach (var shape in new Shape[] { [2, 3], [2, 3, 4], [2, 2, 2, 3] })
        {
            yield return new($"BiasAdd {shape}", "BiasAdd", [shape, [shape[shape.Rank - 1]]], t => TF.BiasAdd(t[0], t[1]),
                v => Reference.Zip(v[0], v[1], (a, b) => a + b)) { Ints = true };
            yield return new($"BiasAddGrad {shape}", "BiasAddGrad", [shape], t => TF.Op("BiasAddGrad", t),
                v => Reference.Reduce(v[0], Enumerable.Range(0, shape.Rank - 1).ToArray(), keepDims: false, mean: false)) { Ints = true };
        }
        // Random masks have no reference; with rate 0 every element is kept, unscaled (the masks are DropoutTests').
        yield return new("Dropout (2, 3) rate 0", "Dropout", [[2, 3]], t => TF.Dropout(t[0], 0.0, seed: 1), v => v[0]);
    }

    // One spatial window with TensorFlow's arithmetic, written out plainly.
    public sealed record Window(int Height, int Width, int StrideHeight, int StrideWidth, bool Same)
    {
        public (int Out, int Before) Axis(int input, int window, int stride)
        {
            if (!Same) return ((input - window) / stride + 1, 0);
            int output = (input + stride - 1) / stride;
            return (output, Math.Max((output - 1) * stride + window - input, 0) / 2);
        }

        public int[] Output(Shape input, int channels) =>
            [input[0], Axis(input[1], Height, StrideHeight).Out, Axis(input[2], Width, StrideWidth).Out, channels];

        // The in-bounds taps (ih, iw, kh, kw) of output position (oh, ow), in row-major order.
        public IEnumerable<(int Ih, int Iw, int Kh, int Kw)> Taps(int[] input, int oh, int ow)
        {
            int top = oh * StrideHeight - Axis(input[1], Height, StrideHeight).Before;
            int left = ow * StrideWidth - Axis(input[2], Width, StrideWidth).Before;
            for (int kh = 0; kh < Height; kh++)
                for (int kw = 0; kw < Width; kw++)
                {
                    int ih = top + kh, iw = left + kw;
                    if (ih >= 0 && ih < input[1] && iw >= 0 && iw < input[2]) yield return (ih, iw, kh, kw);
                }
        }
    }

    private static int At(int[] dims, int n, int h, int w, int c) => ((n * dims[1] + h) * dims[2] + w) * dims[3] + c;

    // Calls f(n, oh, ow, taps) for every output position.
    private static void EachOutput(int[] input, int[] output, Window window, Action<int, int, int, (int Ih, int Iw, int Kh, int Kw)[]> f)
    {
        for (int n = 0; n < output[0]; n++)
            for (int oh = 0; oh < output[1]; oh++)
                for (int ow = 0; ow < output[2]; ow++)
                    f(n, oh, ow, window.Taps(input, oh, ow).ToArray());
    }

    public static Value Conv2D(Value x, Value w, Window window)
    {
        int outC = w.Dims[3], inC = x.Dims[3];
        var dims = window.Output(x.Dims, outC);
        var y = new double[dims.Aggregate(1, (a, b) => a * b)];
        EachOutput(x.Dims, dims, window, (n, oh, ow, taps) =>
        {
            for (int o = 0; o < outC; o++)
                foreach (var (ih, iw, kh, kw) in taps)
                    for (int c = 0; c < inC; c++)
                        y[At(dims, n, oh, ow, o)] += x.Data[At(x.Dims, n, ih, iw, c)] * w.Data[((kh * w.Dims[1] + kw) * inC + c) * outC + o];
        });
        return new(y, dims);
    }

    public static Value Conv2DBackpropInput(int[] inputDims, Value w, Value dy, Window window)
    {
        int outC = w.Dims[3], inC = inputDims[3];
        var dx = new double[inputDims.Aggregate(1, (a, b) => a * b)];
        EachOutput(inputDims, dy.Dims, window, (n, oh, ow, taps) =>
        {
            for (int o = 0; o < outC; o++)
                foreach (var (ih, iw, kh, kw) in taps)
                    for (int c = 0; c < inC; c++)
                        dx[At(inputDims, n, ih, iw, c)] += dy.Data[At(dy.Dims, n, oh, ow, o)] * w.Data[((kh * w.Dims[1] + kw) * inC + c) * outC + o];
        });
        return new(dx, inputDims);
    }

    public static Value Conv2DBackpropFilter(Value x, int[] filterDims, Value dy, Window window)
    {
        int outC = filterDims[3], inC = x.Dims[3];
        var dw = new double[filterDims.Aggregate(1, (a, b) => a * b)];
        EachOutput(x.Dims, dy.Dims, window, (n, oh, ow, taps) =>
        {
            for (int o = 0; o < outC; o++)
                foreach (var (ih, iw, kh, kw) in taps)
                    for (int c = 0; c < inC; c++)
                        dw[((kh * filterDims[1] + kw) * inC + c) * outC + o] += dy.Data[At(dy.Dims, n, oh, ow, o)] * x.Data[At(x.Dims, n, ih, iw, c)];
        });
        return new(dw, filterDims);
    }

    // Index into x of the first maximum of each window and channel, by output element.
    private static int[] FirstMaxima(Value x, Window window, out int[] dims)
    {
        var outDims = window.Output(x.Dims, x.Dims[3]);
        var argmax = new int[outDims.Aggregate(1, (a, b) => a * b)];
        EachOutput(x.Dims, outDims, window, (n, oh, ow, taps) =>
        {
            for (int c = 0; c < x.Dims[3]; c++)
            {
                int best = -1;
                foreach (var (ih, iw, _, _) in taps)
                {
                    int i = At(x.Dims, n, ih, iw, c);
                    if (best < 0 || x.Data[i] > x.Data[best]) best = i;
                }
                argmax[At(outDims, n, oh, ow, c)] = best;
            }
        });
        dims = outDims;
        return argmax;
    }

    public static Value MaxPool(Value x, Window window)
    {
        var argmax = FirstMaxima(x, window, out var dims);
        return new(argmax.Select(i => x.Data[i]).ToArray(), dims);
    }

    public static Value MaxPoolGrad(Value x, Value dy, Window window)
    {
        var argmax = FirstMaxima(x, window, out _);
        var dx = new double[x.Size];
        for (int j = 0; j < argmax.Length; j++) dx[argmax[j]] += dy.Data[j];
        return new(dx, x.Dims);
    }

    public static Value MaxPoolGradGrad(Value x, Value gg, Window window)
    {
        var argmax = FirstMaxima(x, window, out var dims);
        return new(argmax.Select(i => gg.Data[i]).ToArray(), dims);
    }

    public static Value AvgPool(Value x, Window window)
    {
        var dims = window.Output(x.Dims, x.Dims[3]);
        var y = new double[dims.Aggregate(1, (a, b) => a * b)];
        EachOutput(x.Dims, dims, window, (n, oh, ow, taps) =>
        {
            for (int c = 0; c < x.Dims[3]; c++)
                y[At(dims, n, oh, ow, c)] = taps.Average(t => x.Data[At(x.Dims, n, t.Ih, t.Iw, c)]);
        });
        return new(y, dims);
    }

    public static Value AvgPoolGrad(int[] inputDims, Value dy, Window window)
    {
        var dx = new double[inputDims.Aggregate(1, (a, b) => a * b)];
        EachOutput(inputDims, dy.Dims, window, (n, oh, ow, taps) =>
        {
            for (int c = 0; c < inputDims[3]; c++)
                foreach (var (ih, iw, _, _) in taps)
                    dx[At(inputDims, n, ih, iw, c)] += dy.Data[At(dy.Dims, n, oh, ow, c)] / taps.Length;
        });
        return new(dx, inputDims);
    }
}
