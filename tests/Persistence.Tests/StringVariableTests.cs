using Xunit;

namespace ActorGraph.Persistence.Tests;

// A string variable on a parameter server: assigned, checkpointed and restored byte for byte.
public sealed class StringVariableTests
{
    [Fact]
    public void A_string_variable_is_saved_and_restored_by_a_new_session()
    {
        var store = TestStores.Create(TestStores.Sqlite);
        var g = new Graph();
        Variable names;
        Operation init, assign;
        using (g.AsDefault())
        {
            names = TF.GetVariable("names", [3], DType.String, TF.ZerosInitializer(), trainable: false);
            assign = TF.Assign(names, TF.Constant(NDArray.FromStrings(["alpha", "", "γάμμα"]))).Op;
            init = TF.GlobalVariablesInitializer();
        }
        var saver = new Saver();
        string id;
        using (var first = new Session(g, new SessionOptions { CheckpointStore = store, ParameterServers = 2 }))
        {
            first.Run(init);
            Assert.Equal(["", "", ""], first.Run(names).ToStrings());
            first.Run(assign);
            id = saver.Save(first, "names");
        }
        using var second = new Session(g, new SessionOptions { CheckpointStore = store });
        saver.Restore(second, id);
        Assert.Equal(["alpha", "", "γάμμα"], second.Run(names).ToStrings());
    }
}
