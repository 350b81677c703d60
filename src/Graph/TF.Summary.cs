namespace ActorGraph;

public static partial class TF
{
    // tf.summary: ops whose value is a serialized Summary protocol buffer, for FileWriter.AddSummary.
    public static class Summary
    {
        // The op takes the name scope's name, and the tag is that full name ("train/loss"), as in TensorFlow 1.
        public static Tensor Scalar(string name, Tensor value) => Tagged("ScalarSummary", "tags", name, value);

        // Buckets as TensorFlow's default histogram (Histograms.DefaultBucketLimits); values must be finite.
        public static Tensor Histogram(string name, Tensor values) => Tagged("HistogramSummary", "tag", name, values);

        public static Tensor Merge(IReadOnlyList<Tensor> inputs, string? name = null)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            using (G.NameScope(name ?? "Merge"))
                return Op("MergeSummary", [.. inputs], "MergeSummary");
        }

        // Every summary made so far in the default graph, merged; null when there is none, as in TensorFlow.
        public static Tensor? MergeAll(string key = GraphKeys.Summaries)
        {
            var ops = G.GetCollection(key);
            return ops.Count == 0 ? null : Merge(ops.Select(op => op.Outputs[0]).ToArray());
        }

        private static Tensor Tagged(string type, string tagName, string name, Tensor value)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentNullException.ThrowIfNull(value);
            using (G.NameScope(name))
            {
                string scope = G.CurrentNameScope;
                var tags = Constant(NDArray.Scalar(scope), name: tagName);
                var summary = Op(type, [tags, value], scope + "/");
                G.AddToCollection(GraphKeys.Summaries, summary.Op);
                return summary;
            }
        }
    }
}
