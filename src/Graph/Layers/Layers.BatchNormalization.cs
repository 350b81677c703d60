namespace ActorGraph;

public static partial class Layers
{
    // Normalizes over every axis but the last (the channels). With a `training` tensor: batch statistics
    // when it is true, moving ones when false, and update ops for the moving averages in
    // GraphKeys.UpdateOps that change them only when it is true and only when the train op depends on
    // them, as in TensorFlow 1. Without one: inference only, no update ops.
    public static Tensor BatchNormalization(Tensor inputs, Tensor? training = null, double momentum = 0.99,
        double epsilon = 0.001, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var shape = inputs.Shape;
        if (shape.Rank < 1 || shape[shape.Rank - 1] < 0)
            throw new ArgumentException($"BatchNormalization: the inputs need a known last dimension (the channels), got shape {shape} ('{inputs.Name}').");
        if (inputs.DType is not (DType.Float32 or DType.Float64))
            throw new ArgumentException($"BatchNormalization: the inputs must be float32 or float64, got {inputs.DType.PythonName()} ('{inputs.Name}').");
        if (training is not null && (training.DType != DType.Bool || training.Shape.Rank > 0))
            throw new ArgumentException($"BatchNormalization: training must be a scalar bool tensor, got {training} .");
        if (momentum is < 0 or > 1) throw new ArgumentException($"BatchNormalization: momentum must be in [0, 1], got {momentum}.");
        Shape channels = [shape[shape.Rank - 1]];
        var dtype = inputs.DType;
        using (LayerScope("batch_normalization", name))
        {
            var gamma = TF.GetVariable("gamma", channels, dtype, TF.OnesInitializer());
            var beta = TF.GetVariable("beta", channels, dtype, TF.ZerosInitializer());
            var movingMean = TF.GetVariable("moving_mean", channels, dtype, TF.ZerosInitializer(), trainable: false);
            var movingVariance = TF.GetVariable("moving_variance", channels, dtype, TF.OnesInitializer(), trainable: false);
            Tensor mean = movingMean, variance = movingVariance;
            if (training is not null)
            {
                var axes = Enumerable.Range(0, shape.Rank - 1).ToArray();
                var batchMean = TF.ReduceMean(inputs, axes, name: "mean");
                var batchVariance = TF.ReduceMean(TF.Square(inputs - batchMean), axes, name: "variance");
                // 1 in training, 0 in inference: selects the statistics and switches the updates off.
                var isTraining = TF.Cast(training, dtype);
                mean = isTraining * batchMean + (1 - isTraining) * movingMean;
                variance = isTraining * batchVariance + (1 - isTraining) * movingVariance;
                var decay = isTraining * (1 - momentum);
                TF.G.AddToCollection(GraphKeys.UpdateOps, TF.AssignSub(movingMean, (movingMean - batchMean) * decay, "AssignMovingAvg").Op);
                TF.G.AddToCollection(GraphKeys.UpdateOps, TF.AssignSub(movingVariance, (movingVariance - batchVariance) * decay, "AssignMovingAvg_1").Op);
            }
            var scale = gamma / TF.Sqrt(variance + epsilon);
            return (inputs - mean) * scale + beta;
        }
    }
}
