using ActorGraph.Host.Data;

namespace ActorGraph.Host.Training;

// The training set as tf.data reads it, on the worker that runs the iterator: the IDX files at their path on
// that node, reshuffled each epoch, batched, pixels scaled to [0, 1] and labels one-hot by Map, repeated, prefetched.
// Map runs on whole batches (TensorFlow's vectorized map): one function call per batch rather than per image.
internal static class TrainingData
{
    // The element spec comes from the files here (clientFolder); the worker reads workerFolder's, on its own node.
    public static Dataset Source(string clientFolder, string workerFolder, int count, int batchSize, int seed)
    {
        var spec = Dataset.FromIdxFiles(Files(clientFolder)).ElementSpec;
        return new IdxDataset(Files(workerFolder), [.. spec]).Take(count)
            .Shuffle(count, seed).Batch(batchSize).Map(ScaledAndOneHot).Repeat().Prefetch(2);
    }

    public static string Describe(string workerFolder) => string.Join(" and ", Files(workerFolder));

    // The client's folder holds the files already (checked before); on a worker the gzipped name unless only the plain one is here.
    private static string[] Files(string folder) =>
        [FashionMnist.Find(folder, "train", "images") ?? Gz(folder, "train-images-idx3-ubyte"), FashionMnist.Find(folder, "train", "labels") ?? Gz(folder, "train-labels-idx1-ubyte")];

    private static string Gz(string folder, string name) => Path.Combine(folder, name + ".gz");

    // One batch: 28x28 images of bytes (as Int32) and their classes, into the classifier's [batch, 784] and [batch, 10].
    private static Tensor[] ScaledAndOneHot(Tensor[] batch) =>
        [TF.Reshape(TF.Cast(batch[0], DType.Float32) / 255f, [-1, Classifier.Pixels]), TF.OneHot(batch[1], Classifier.Classes)];
}
