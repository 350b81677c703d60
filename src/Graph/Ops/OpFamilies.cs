namespace ActorGraph.Ops;

// The op families, each a file of registry entries. Add a family here to register it.
internal static class OpFamilies
{
    public static IEnumerable<IEnumerable<OpDef>> All =>
    [
        StateOps.Defs,
        Elementwise.Defs,
        Comparisons.Defs,
        Reductions.Defs,
        MatrixOps.Defs,
        ShapeOps.Defs,
        NeuralNet.Defs,
        ArrayOps.Defs,
        UnitAxes.Defs,
        SliceOps.Defs,
        IndexOps.Defs,
        Losses.Defs,
        Convolution.Defs,
        Pooling.Defs,
        Dropout.Defs,
        GradientOps.Defs,
        RandomOps.Defs,
        TrainingOps.Defs,
        SparseUpdateOps.Defs,
        EmbeddingOps.Defs,
        HashTableOps.Defs,
        RuntimeOps.Defs,
        SummaryOps.Defs,
        IteratorOps.Defs,
        ControlFlowOps.Defs,
    ];
}
