using ActorGraph.Ops;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

public class OpCoverageTests
{
    // Ops the table cannot run on placeholders alone, each with the reason.
    private static readonly Dictionary<string, string> Excluded = new()
    {
        ["Const"] = "a source; every case feeds its inputs and builds constants of its own",
        ["Placeholder"] = "a source; every case is built on placeholders",
        ["_Recv"] = "runtime: a partition's input endpoint, fed by its worker (no kernel); tested with the workers",
        ["_Send"] = "runtime: a partition's output endpoint, fetched by its worker (no kernel); tested with the workers",
        ["NoOp"] = "computes nothing",
        ["VariableV2"] = "state: tested with sessions and optimizers",
        ["Assign"] = "state: writes a variable",
        ["AssignAdd"] = "state: writes a variable",
        ["AssignSub"] = "state: writes a variable",
        ["_AssignGenerated"] = "runtime: a worker's fold of Assign(variable, generator), drawn on the shard; Execution/GeneratedInitialValuesTests",
        ["RandomUniform"] = "random: no reference to compare with",
        ["RandomStandardNormal"] = "random: no reference to compare with",
        ["ApplyGradientDescent"] = "training: an optimizer's variable update",
        ["ApplyMomentum"] = "training: an optimizer's variable update",
        ["ApplyAdam"] = "training: an optimizer's variable update",
        ["ApplyAdagrad"] = "training: an optimizer's variable update",
        ["ScatterAdd"] = "state: writes rows of a variable; Training/ScatterOpsTests",
        ["ScatterSub"] = "state: writes rows of a variable; Training/ScatterOpsTests",
        ["ScatterUpdate"] = "state: writes rows of a variable; Training/ScatterOpsTests",
        ["SparseApplyGradientDescent"] = "training: an optimizer's sparse update; Training/SparseOptimizerTests",
        ["SparseApplyMomentum"] = "training: an optimizer's sparse update; Training/SparseOptimizerTests",
        ["SparseApplyAdam"] = "training: an optimizer's sparse update; Training/SparseOptimizerTests",
        ["SparseApplyAdagrad"] = "training: an optimizer's sparse update; Training/SparseOptimizerTests",
        ["EmbeddingPartition"] = "its outputs' sizes depend on the ids (no static shape); its routing is checked through the EmbeddingStitch rows and Training/EmbeddingLookupTests",
        ["HashTable"] = "state: a hash table part, read through lookups; HashTables/HashEmbeddingTests",
        ["HashPartition"] = "its outputs' sizes depend on the ids (no static shape); checked through lookups in HashTables/HashEmbeddingTests",
        ["HashLookup"] = "state: creates rows on first touch; HashTables/HashEmbeddingTests",
        ["HashSparseApply"] = "training: an optimizer's sparse update of a hash table; HashTables/HashTrainingTests",
        ["ScalarSummary"] = "summary: a serialized protocol buffer, read back in Summaries/SummaryOpTests",
        ["HistogramSummary"] = "summary: a serialized protocol buffer, read back in Summaries/SummaryOpTests",
        ["MergeSummary"] = "summary: a serialized protocol buffer, read back in Summaries/SummaryOpTests",
        ["OneShotIterator"] = "dataset: names an iterator (no kernel); tested with datasets",
        ["Iterator"] = "dataset: names an iterator (no kernel); tested with datasets",
        ["MakeIterator"] = "dataset: restarts an iterator; tested with datasets",
        ["IteratorGetNext"] = "dataset: takes an iterator's next element; tested with datasets",
        ["If"] = "control flow: its branches are functions; tested with gradients in ControlFlow/ControlFlowGradientTests",
        ["While"] = "control flow: its body is a function; tested with gradients in ControlFlow/ControlFlowGradientTests",
    };

    // Their gradients are checked against finite differences in ControlFlow/ControlFlowGradientTests.
    private static readonly string[] ControlFlowOps = ["If", "While"];

    [Fact]
    public void Every_op_with_a_gradient_has_rows_in_the_op_table()
    {
        var covered = OpCases.All.Select(c => c.OpType).ToHashSet();
        var missing = OpRegistry.All.Where(d => d.Gradient is not null && !covered.Contains(d.Type) && !ControlFlowOps.Contains(d.Type)).Select(d => d.Type).ToList();
        Assert.True(missing.Count == 0, $"Ops with a gradient but no row in OpCases (add rows, so their gradient is checked): {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_other_registered_op_is_in_the_table_or_excluded_with_a_reason()
    {
        var covered = OpCases.All.Select(c => c.OpType).ToHashSet();
        var missing = OpRegistry.All.Select(d => d.Type).Where(t => !covered.Contains(t) && !Excluded.ContainsKey(t)).ToList();
        Assert.True(missing.Count == 0, $"Ops with no row in OpCases and no exclusion: {string.Join(", ", missing)}");
    }

    [Fact]
    public void No_excluded_op_has_a_gradient_to_check()
    {
        var differentiable = Excluded.Keys.Except(ControlFlowOps).Where(t => OpRegistry.Get(t) is { Gradient: not null } d && !d.Traits.HasFlag(OpTraits.NoGradient));
        Assert.Empty(differentiable);
    }

    [Fact]
    public void Every_differentiable_op_states_a_gradient_or_that_it_has_none()
    {
        // Ops that compute values must say either way; a missing gradient would fail TF.Gradients at a user's site.
        var silent = OpRegistry.All
            .Where(d => d.Kernel is not null && d.Gradient is null && !d.Traits.HasFlag(OpTraits.NoGradient) && !d.IsVariable)
            .Select(d => d.Type).ToList();
        Assert.True(silent.Count == 0, $"Ops with a kernel but neither a gradient nor OpTraits.NoGradient: {string.Join(", ", silent)}");
    }
}
