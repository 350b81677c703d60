using Xunit;

namespace ActorGraph.GraphTests.Training;

// An optimizer's slots are named after their variable alone (`s/w/Momentum`), wherever Minimize is called: the
// variable's name already holds its scopes, so a variable scope around Minimize adds nothing to them.
public class SlotNamingTests
{
    public static TheoryData<string, string[]> Optimizers => new()
    {
        { "Momentum", ["Momentum"] },
        { "Adam", ["Adam", "Adam_1", "Adam_beta1_power", "Adam_beta2_power"] },
        { "Adagrad", ["Adagrad"] },
    };

    private static Optimizer OptimizerOf(string name) => name switch
    {
        "Momentum" => new MomentumOptimizer(0.1, 0.9),
        "Adam" => new AdamOptimizer(0.01),
        _ => new AdagradOptimizer(0.1),
    };

    private static string[] SlotNames(Graph g) => [.. g.Variables.Where(v => !v.Trainable).Select(v => v.Op.Name).Order(StringComparer.Ordinal)];

    private static string[] Expected(IEnumerable<string> variables, string[] slots) =>
        [.. variables.SelectMany(v => slots.Select(s => $"{v}/{s}")).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_slot_of_a_variable_in_a_scope_is_named_after_the_variable_alone(string optimizer, string[] slots)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.VariableScope("s"))
        {
            var w = TF.GetVariable("w", [2, 3]);
            OptimizerOf(optimizer).Minimize(TF.ReduceSum(TF.Square(w)));
        }
        Assert.Equal(Expected(["s/w"], slots), SlotNames(g));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_slot_of_each_part_of_a_partitioned_table_in_nested_scopes_is_named_after_the_part(string optimizer, string[] slots)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.VariableScope("outer"))
        using (TF.VariableScope("inner"))
        {
            var table = TF.GetPartitionedVariable("emb", [10, 4], TF.FixedSizePartitioner(2));
            var ids = TF.Constant(NDArray.FromArray(new long[] { 1, 6, 1 }, [3]));
            OptimizerOf(optimizer).Minimize(TF.ReduceSum(TF.Square(TF.EmbeddingLookup(table, ids))));
        }
        Assert.Equal(Expected(["outer/inner/emb/part_0", "outer/inner/emb/part_1"], slots), SlotNames(g));
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_scope_around_Minimize_alone_leaves_the_slot_names_as_they_are_outside_it(string optimizer, string[] slots)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var w = TF.GetVariable("w", [3]);
        using (TF.VariableScope("train"))
            OptimizerOf(optimizer).Minimize(TF.ReduceSum(TF.Square(w)));
        Assert.Equal(Expected(["w"], slots), SlotNames(g));
    }

    [Fact]
    public void A_second_optimizer_in_the_same_scope_gets_slots_of_its_own()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.VariableScope("s"))
        {
            var loss = TF.ReduceSum(TF.Square(TF.GetVariable("w", [3])));
            new MomentumOptimizer(0.1, 0.9).Minimize(loss);
            new MomentumOptimizer(0.2, 0.5).Minimize(loss);
        }
        Assert.Equal(["s/w/Momentum", "s/w/Momentum_1"], SlotNames(g));
    }

    // A reused scope (a second tower) returns the variables it already has; the optimizer's slots are new ones.
    [Fact]
    public void Minimize_under_a_reusing_scope_creates_the_slots_it_needs()
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        using (TF.VariableScope("s")) TF.GetVariable("w", [3]);
        using (TF.VariableScope("s", VariableReuse.Reuse))
            new AdamOptimizer(0.01).Minimize(TF.ReduceSum(TF.Square(TF.GetVariable("w", [3]))));
        Assert.Equal(Expected(["s/w"], ["Adam", "Adam_1", "Adam_beta1_power", "Adam_beta2_power"]), SlotNames(g));
    }
}
