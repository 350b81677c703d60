using Xunit;

namespace ActorGraph.Persistence.Tests;

// A partitioned variable saved by a Saver is its parts, which together are the whole table under its name:
// restored into another number of parts (or parameter servers), the rows land where the new parts hold them.
public sealed class PartitionedSaverTests
{
    private static readonly float[] Whole = [.. Enumerable.Range(0, 13 * 3).Select(i => i * 0.5f)];

    private sealed class Model
    {
        public readonly Graph Graph = new();
        public readonly PartitionedVariable Table;
        public readonly Variable Bias;
        public readonly Tensor All;

        public Model(int parts, int rows = 13)
        {
            using var _ = Graph.AsDefault();
            using (TF.VariableScope("model"))
                Table = TF.GetPartitionedVariable("emb", [rows, 3], TF.FixedSizePartitioner(parts), initializer: TF.ZerosInitializer());
            Bias = TF.GetVariable("bias", [3], initializer: TF.ConstantInitializer(-1));
            All = Table.AsTensor("all");
        }

        public Session Open(string store, int ps) => new(Graph, new SessionOptions { CheckpointStore = store, ParameterServers = ps, PrintOutput = TextWriter.Null });

        // The whole table in row order, part by part.
        public void Fill(Session session)
        {
            using var _ = Graph.AsDefault();
            session.Run(TF.GlobalVariablesInitializer());
            var assigns = Table.Select((part, i) =>
                TF.Assign(part, TF.Constant(NDArray.FromArray(Whole.Skip((int)Table.OffsetOf(i) * 3).Take(part.Shape[0] * 3).ToArray(), part.Shape))).Op);
            session.Run(TF.Group([.. assigns]));
        }
    }

    private static string SaveFourParts(string store)
    {
        var writer = new Model(parts: 4);
        using var session = writer.Open(store, ps: 2);
        writer.Fill(session);
        Assert.Equal(Whole, session.Run(writer.All).ToArray<float>());
        return new Saver().Save(session, "table");
    }

    [Theory]
    [InlineData(4, 2)]
    [InlineData(3, 2)]
    [InlineData(1, 1)]
    [InlineData(6, 3)]
    public void A_table_saved_in_four_parts_restores_into_another_number_of_parts(int parts, int ps)
    {
        var store = TestStores.Create(TestStores.Sqlite);
        string id = SaveFourParts(store);
        var reader = new Model(parts);
        using var session = reader.Open(store, ps);
        var saver = new Saver();
        saver.Restore(session, id);
        Assert.Equal(Whole, session.Run(reader.All).ToArray<float>());
        Assert.Equal([-1f, -1f, -1f], session.Run(reader.Bias).ToArray<float>());
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"model/emb/part_{i}"), saver.List(session).Single().Variables.Where(n => n.StartsWith("model/emb")).Order());
    }

    [Fact]
    public void A_table_of_another_size_is_refused_and_nothing_is_restored()
    {
        var store = TestStores.Create(TestStores.Sqlite);
        string id = SaveFourParts(store);
        var reader = new Model(parts: 3, rows: 14);
        using var session = reader.Open(store, ps: 2);
        using (reader.Graph.AsDefault()) session.Run(TF.GlobalVariablesInitializer());
        var e = Assert.Throws<InvalidArgumentException>(() => new Saver().Restore(session, id));
        Assert.Contains("model/emb", e.Message);
        Assert.Contains("13 rows", e.Message);
        Assert.All(session.Run(reader.All).ToArray<float>(), x => Assert.Equal(0f, x));
        Assert.Equal([-1f, -1f, -1f], session.Run(reader.Bias).ToArray<float>());
    }
}
