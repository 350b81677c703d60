namespace ActorGraph.Bench.Benches;

// The recurrent network of `train fashion-mnist --model rnn`: the 28 rows of an image as a sequence, a Tanh
// cell of 128 units, dense 10 on the last state, Adam. Variant "while_loop" steps the cell in a TF.WhileLoop
// (the body reads row t with TF.Gather), "unrolled" makes 28 copies of it; one synthetic batch to feed.
public sealed record RnnGraph(Graph Graph, Tensor Loss, Operation Train, Operation Init, FeedDict Feed)
{
    public const int Steps = 28, Inputs = 28, Units = 128, Classes = 10;

    public static RnnGraph Build(bool unrolled, int batch, float[] pixels, float[] oneHot)
    {
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var images = TF.Placeholder(DType.Float32, [-1, Steps * Inputs], name: "images");
        var labels = TF.Placeholder(DType.Float32, [-1, Classes], name: "labels");
        var rows = TF.Transpose(TF.Reshape(images, [-1, Steps, Inputs]), [1, 0, 2]);
        var wx = TF.GetVariable("rnn/input_weights", [Inputs, Units], initializer: TF.GlorotUniformInitializer(1));
        var wh = TF.GetVariable("rnn/recurrent_weights", [Units, Units], initializer: TF.GlorotUniformInitializer(2));
        var b = TF.GetVariable("rnn/bias", [Units], initializer: TF.ZerosInitializer());
        Tensor Cell(Tensor x, Tensor? h) => TF.Tanh(h is null ? TF.MatMul(x, wx) + b : TF.MatMul(x, wx) + TF.MatMul(h, wh) + b);
        var state = Cell(TF.Gather(rows, TF.Constant(0)), null);
        if (unrolled)
            for (int t = 1; t < Steps; t++) state = Cell(TF.Gather(rows, TF.Constant(t)), state);
        else
            state = TF.WhileLoop(v => TF.Less(v[0], TF.Constant(Steps)), v => [v[0] + TF.Constant(1), Cell(TF.Gather(rows, v[0]), v[1])],
                [TF.Constant(1), state])[1];
        var logits = Layers.Dense(state, Classes, kernelInitializer: TF.GlorotUniformInitializer(3));
        var loss = TF.ReduceMean(TF.SoftmaxCrossEntropyWithLogits(labels, logits));
        var train = new AdamOptimizer(1e-3).Minimize(loss);
        var feed = new FeedDict
        {
            [images] = NDArray.FromArray(pixels, [batch, Steps * Inputs]),
            [labels] = NDArray.FromArray(oneHot, [batch, Classes]),
        };
        return new RnnGraph(graph, loss, train, TF.GlobalVariablesInitializer(), feed);
    }
}
