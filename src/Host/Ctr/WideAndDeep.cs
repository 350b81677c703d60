namespace ActorGraph.Host.Ctr;

// The click-through model of `train ctr` and bench `embedding`: TensorFlow's wide & deep. One embedding table
// of 16 dims shared by all fields (ids are already offset per field) feeds a 416-256-128-1 MLP (the deep part);
// one weight per id summed over the fields is the wide part. Both tables are PartitionedVariables spread over the
// parameter servers, trained by Adagrad on their looked-up rows only. Feed Ids [batch, fields] and Labels [batch].
internal sealed record WideAndDeep(string Description, Tensor Ids, Tensor Labels, Tensor Logits, Tensor Loss, Operation TrainOp, Operation Init,
    PartitionedVariable Embeddings, PartitionedVariable Weights)
{
    public const int Dimension = 16;
    public static readonly int[] Hidden = [256, 128];

    public static WideAndDeep Build(int fields, int rows, int parts, double learningRate, int seed)
    {
        if (parts < 1 || parts > rows) throw new ArgumentException($"The tables need between 1 and {rows} parts (one row each at least), got {parts}.");
        var ids = TF.Placeholder(DType.Int32, [-1, fields], name: "ids");
        var labels = TF.Placeholder(DType.Float32, [-1], name: "labels");
        var partitioner = TF.FixedSizePartitioner(parts);
        // TensorFlow's embedding_column initializes at a deviation of 1/sqrt(dimension).
        var embeddings = TF.GetPartitionedVariable("embeddings", [rows, Dimension], partitioner,
            initializer: TF.RandomNormalInitializer(0, 1 / Math.Sqrt(Dimension), seed));
        var weights = TF.GetPartitionedVariable("linear_weights", [rows, 1], partitioner, initializer: TF.ZerosInitializer());

        Tensor deep = TF.Reshape(TF.EmbeddingLookup(embeddings, ids, name: "embedding_lookup"), [-1, fields * Dimension]);
        int[] widths = [fields * Dimension, .. Hidden, 1];
        for (int l = 1; l < widths.Length; l++)
        {
            var w = TF.GetVariable($"dnn/layer{l}/weights", [widths[l - 1], widths[l]], initializer: TF.GlorotUniformInitializer(seed + l));
            var b = TF.GetVariable($"dnn/layer{l}/biases", [widths[l]], initializer: TF.ZerosInitializer());
            deep = TF.MatMul(deep, w) + b;
            if (l < widths.Length - 1) deep = TF.Relu(deep);
        }
        var wide = TF.ReduceSum(TF.Reshape(TF.EmbeddingLookup(weights, ids, name: "linear_lookup"), [-1, fields]), [1]);
        var bias = TF.GetVariable("linear_bias", [], initializer: TF.ZerosInitializer());
        var logits = TF.Add(TF.Reshape(deep, [-1]) + wide, bias, name: "logits");
        var loss = TF.ReduceMean(TF.SigmoidCrossEntropyWithLogits(labels, logits), name: "loss");
        var trainOp = new AdagradOptimizer(learningRate).Minimize(loss);
        var description = $"wide & deep: {rows:N0} x {Dimension} embeddings and {rows:N0} linear weights in {parts} part(s) each, MLP {string.Join('-', widths)}";
        return new WideAndDeep(description, ids, labels, logits, loss, trainOp, TF.GlobalVariablesInitializer(), embeddings, weights);
    }
}
