namespace ActorGraph.Host.Training;

// The recurrent classifier of `train fashion-mnist --model rnn`: each image read as a sequence of its 28 rows,
// a Tanh cell of 128 units (h = tanh(x·Wx + h·Wh + b)) stepped over them by a TF.WhileLoop whose body reads
// row t with TF.Gather, and a dense layer of 10 on the last state. bench/Benches/RnnGraph.cs builds the same
// cell for bench `rnn`, there also unrolled.
internal static class Rnn
{
    public const int Steps = 28, Inputs = 28, Units = 128;
    public const string Description = "RNN 28 steps of 28 pixels, Tanh 128 (WhileLoop), dense 10";

    public static Classifier Build(string optimizer, double learningRate, int seed, Tensor[]? batch = null)
    {
        var (images, labels) = Classifier.Inputs(batch);
        var logits = Logits(Classifier.Standardized(images), seed);
        return Classifier.Head(Description, images, labels, null, logits, optimizer, learningRate);
    }

    // images [batch, 784] → logits [batch, 10].
    private static Tensor Logits(Tensor images, int seed)
    {
        // Time-major [28, batch, 28], so that row t of every image is TF.Gather(rows, t).
        var rows = TF.Transpose(TF.Reshape(images, [-1, Steps, Inputs]), [1, 0, 2], name: "rows");
        Tensor last;
        using (TF.VariableScope("rnn"))
        {
            var wx = TF.GetVariable("input_weights", [Inputs, Units], initializer: TF.GlorotUniformInitializer(seed + 1));
            var wh = TF.GetVariable("recurrent_weights", [Units, Units], initializer: TF.GlorotUniformInitializer(seed + 2));
            var b = TF.GetVariable("bias", [Units], initializer: TF.ZerosInitializer());
            Tensor Cell(Tensor x, Tensor? h) => TF.Tanh(h is null ? TF.MatMul(x, wx) + b : TF.MatMul(x, wx) + TF.MatMul(h, wh) + b);
            // The first step has no state before it (a zero state adds nothing); the loop takes rows 1 to 27.
            var first = Cell(TF.Gather(rows, TF.Constant(0)), null);
            last = TF.WhileLoop(
                v => TF.Less(v[0], TF.Constant(Steps)),
                v => [v[0] + TF.Constant(1), Cell(TF.Gather(rows, v[0]), v[1])],
                [TF.Constant(1), first], name: "steps")[1];
        }
        return Layers.Dense(last, Classifier.Classes, kernelInitializer: TF.GlorotUniformInitializer(seed + 3));
    }
}
