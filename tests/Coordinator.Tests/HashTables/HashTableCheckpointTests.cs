using ActorGraph.HashTables;
using ActorGraph.ParameterServer.Persistence;
using Microsoft.Data.Sqlite;
using Xunit;

namespace ActorGraph.Coordinator.Tests.HashTables;

// Checkpoints of hash-keyed tables: every part's ids, rows, per-row slots, touch steps and step counter saved and
// restored as they were, into the same parts or re-hashed onto another number of parts or parameter servers.
public class HashTableCheckpointTests
{
    private const int Dim = 4;

    private sealed record Model(Graph Graph, HashEmbedding Table, Tensor Ids, Tensor Labels, Tensor Loss, Operation Train);

    private static Model Build(string optimizer, int parts, int dim = Dim)
    {
        var g = new Graph();
        using var scope = g.AsDefault();
        var table = TF.GetHashEmbedding("emb", dim, parts: parts, initializer: TF.RandomUniformInitializer(-1, 1, seed: 7), evictAfterSteps: 50);
        var w = TF.GetVariable("w", [dim, 1], initializer: TF.GlorotUniformInitializer(seed: 8));
        var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
        var labels = TF.Placeholder(DType.Float32, [-1, 1], name: "labels");
        var loss = TF.ReduceMean(TF.Square(TF.MatMul(TF.EmbeddingLookup(table, ids), w) - labels));
        Optimizer opt = optimizer == "Adam" ? new AdamOptimizer(0.05) : new AdagradOptimizer(0.3);
        var train = opt.Minimize(loss);
        TF.GlobalVariablesInitializer();
        return new Model(g, table, ids, labels, loss, train);
    }

    private static readonly long[] Universe = [.. Enumerable.Range(0, 60).Select(i => (long)i * 1_000_000_007 - 30_000_000_000)];

    private static FeedDict Batch(Model m, int step)
    {
        var rng = new Random(100 + step);
        long[] batch = [.. Enumerable.Range(0, 16).Select(_ => Universe[rng.Next(Universe.Length)])];
        return new FeedDict
        {
            [m.Ids] = NDArray.FromArray(batch, new Shape(batch.Length)),
            [m.Labels] = NDArray.FromArray(batch.Select(i => (i / 1_000_000_007) % 2 == 0 ? 1f : -1f).ToArray(), new Shape(batch.Length, 1)),
        };
    }

    private static string NewStore() =>
        $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("actorgraph-hash-ckpt-").FullName, "store.db")}";

    private static SessionOptions Options(string store, int ps) => ps == 0
        ? new SessionOptions { ExecutorOnly = true, PrintOutput = TextWriter.Null, CheckpointStore = store }
        : new SessionOptions { Workers = 1, ParameterServers = ps, PrintOutput = TextWriter.Null, CheckpointStore = store };

    // The checkpoint's hash table parts, read back from the store as a restore reads them.
    private static List<HashPartContents> Saved(string store, string id)
    {
        var checkpoints = new Checkpoints(CheckpointSystem.Shared, CheckpointStore.Parse(store));
        var manifest = checkpoints.Catalog.Find(id)!;
        var values = checkpoints.LoadAsync(manifest).GetAwaiter().GetResult();
        return HashPartEntries.Decode(values.Where(v => HashPartEntries.IsEntry(v.Key)), id)["emb"];
    }

    // Per id: its row and every per-row slot's row, as bytes.
    private static Dictionary<long, string> RowsById(IEnumerable<HashPartContents> parts)
    {
        var result = new Dictionary<long, string>();
        foreach (var p in parts)
        {
            int rb = p.Spec.RowBytes;
            for (int i = 0; i < p.Ids.Length; i++)
                result.Add(p.Ids[i], Convert.ToHexString(p.Rows.Bytes.Slice(i * rb, rb)) + string.Concat(p.RowSlots.OrderBy(s => s.Key)
                    .Select(s => "|" + s.Key + ":" + Convert.ToHexString(s.Value.Rows.Bytes.Slice(i * rb, rb)))));
        }
        return result;
    }

    private static void AssertSameParts(IReadOnlyList<HashPartContents> expected, IReadOnlyList<HashPartContents> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int p = 0; p < expected.Count; p++)
        {
            Assert.Equal(expected[p].Spec, actual[p].Spec);
            Assert.Equal(expected[p].Clock, actual[p].Clock);
            Assert.Equal(expected[p].Ids, actual[p].Ids);
            Assert.Equal(expected[p].Touched, actual[p].Touched);
            Assert.Equal(expected[p].Rows.Bytes.ToArray(), actual[p].Rows.Bytes.ToArray());
            Assert.Equal(expected[p].RowSlots.Keys.Order(), actual[p].RowSlots.Keys.Order());
            foreach (var (name, slot) in expected[p].RowSlots) Assert.Equal(slot.Rows.Bytes.ToArray(), actual[p].RowSlots[name].Rows.Bytes.ToArray());
            Assert.Equal(expected[p].Scalars.Keys.Order(), actual[p].Scalars.Keys.Order());
            foreach (var (name, value) in expected[p].Scalars) Assert.Equal(value.Bytes.ToArray(), actual[p].Scalars[name].Bytes.ToArray());
        }
    }

    [Theory]
    [InlineData(0, 0, "Adam")]
    [InlineData(2, 2, "Adam")]
    [InlineData(2, 1, "Adagrad")]
    [InlineData(0, 2, "Adagrad")]
    public void Save_train_restore_gives_back_the_saved_rows_slots_and_touch_steps_exactly(int savePs, int restorePs, string optimizer)
    {
        var store = NewStore();
        var m = Build(optimizer, parts: 4);
        string saved;
        using (var sess = new Session(m.Graph, Options(store, savePs)))
        {
            sess.Run(m.Graph.GetOperation("init"));
            for (int step = 0; step < 5; step++) sess.Run(m.Train, Batch(m, step));
            saved = new Saver().Save(sess);
            for (int step = 5; step < 8; step++) sess.Run(m.Train, Batch(m, step));
            if (restorePs == savePs)
            {
                new Saver().Restore(sess, saved);
                AssertSameParts(Saved(store, saved), Saved(store, new Saver().Save(sess)));
                return;
            }
        }
        var again = Build(optimizer, parts: 4);
        using var restored = new Session(again.Graph, Options(store, restorePs));
        new Saver().Restore(restored, saved);
        AssertSameParts(Saved(store, saved), Saved(store, new Saver().Save(restored)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Restoring_into_three_parts_from_two_rehashes_every_row_with_its_slots_onto_the_part_lookups_use(int ps)
    {
        var store = NewStore();
        var m = Build("Adagrad", parts: 2);
        string saved;
        using (var sess = new Session(m.Graph, Options(store, 2)))
        {
            sess.Run(m.Graph.GetOperation("init"));
            for (int step = 0; step < 5; step++) sess.Run(m.Train, Batch(m, step));
            saved = new Saver().Save(sess);
        }
        var three = Build("Adagrad", parts: 3);
        using var restored = new Session(three.Graph, Options(store, ps));
        new Saver().Restore(restored, saved);
        var before = Saved(store, saved);
        var after = Saved(store, new Saver().Save(restored));
        Assert.Equal(3, after.Count);
        Assert.Equal(RowsById(before), RowsById(after));
        foreach (var part in after)
            Assert.All(part.Ids, id => Assert.Equal(part.Spec.Part, IdHash.PartOf(id, 3)));
        // Each row keeps its age against the newest part's counter, so eviction still drops the same rows.
        long clock = before.Max(p => p.Clock);
        var ageBefore = before.SelectMany(p => p.Ids.Select((id, i) => (id, age: p.Clock - p.Touched[i]))).ToDictionary(x => x.id, x => x.age);
        Assert.All(after, p => Assert.Equal(clock, p.Clock));
        foreach (var part in after)
            for (int i = 0; i < part.Ids.Length; i++) Assert.Equal(ageBefore[part.Ids[i]], part.Clock - part.Touched[i]);
    }

    [Theory]
    [InlineData(0, 0, 4)]
    [InlineData(2, 2, 4)]
    [InlineData(2, 0, 3)]
    public void A_restored_table_keeps_training_as_the_table_that_was_saved(int savePs, int restorePs, int restoreParts)
    {
        var store = NewStore();
        var m = Build("Adagrad", parts: 4);
        string saved;
        var expected = new List<float>();
        using (var sess = new Session(m.Graph, Options(store, savePs)))
        {
            sess.Run(m.Graph.GetOperation("init"));
            for (int step = 0; step < 4; step++) sess.Run(m.Train, Batch(m, step));
            saved = new Saver().Save(sess);
            for (int step = 4; step < 8; step++)
                expected.Add(sess.Run([m.Loss, m.Train], Batch(m, step))[0]!.ToArray<float>()[0]);
        }
        var again = Build("Adagrad", parts: restoreParts);
        using var restored = new Session(again.Graph, Options(store, restorePs));
        new Saver().Restore(restored, saved);
        var actual = new List<float>();
        for (int step = 4; step < 8; step++)
            actual.Add(restored.Run([again.Loss, again.Train], Batch(again, step))[0]!.ToArray<float>()[0]);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i], 5);
        // A new table that never saw those steps trains otherwise: the comparison above can fail.
        var fresh = Build("Adagrad", parts: 4);
        using var unrestored = new Session(fresh.Graph, Options(store, 0));
        unrestored.Run(fresh.Graph.GetOperation("init"));
        Assert.NotEqual(expected[0], unrestored.Run([fresh.Loss, fresh.Train], Batch(fresh, 4))[0]!.ToArray<float>()[0], 5);
    }

    [Fact]
    public void A_corrupted_chunk_of_a_large_part_is_named_and_nothing_is_restored()
    {
        var store = NewStore();
        // 70,000 rows of 16 floats: a part's rows over 4 MiB, so they are stored in chunks.
        var m = Build("Adagrad", parts: 1, dim: 16);
        using var sess = new Session(m.Graph, Options(store, 0));
        sess.Run(m.Graph.GetOperation("init"));
        long[] many = [.. Enumerable.Range(0, 70_000).Select(i => (long)i * 7919)];
        sess.Run(m.Train, new FeedDict
        {
            [m.Ids] = NDArray.FromArray(many, new Shape(many.Length)),
            [m.Labels] = NDArray.FromArray(new float[many.Length], new Shape(many.Length, 1)),
        });
        var saved = new Saver().Save(sess);
        using (var db = new SqliteConnection(store))
        {
            db.Open();
            using var corrupt = db.CreateCommand();
            corrupt.CommandText = $"UPDATE {ChunkTable.Table} SET data = randomblob(length(data)) WHERE variable = 'emb/part_0/hash/rows' AND chunk = 1";
            Assert.Equal(1, corrupt.ExecuteNonQuery());
        }
        var error = Assert.Throws<DataLossException>(() => new Saver().Restore(sess, saved));
        Assert.Contains("emb/part_0/hash/rows", error.Message);
        Assert.Contains("chunk 1", error.Message);
    }

    [Fact]
    public void Checkpoints_list_a_hash_tables_parts_beside_the_variables()
    {
        var store = NewStore();
        var m = Build("Adam", parts: 2);
        using var sess = new Session(m.Graph, Options(store, 2));
        sess.Run(m.Graph.GetOperation("init"));
        sess.Run(m.Train, Batch(m, 0));
        new Saver().Save(sess);
        var listed = new Saver().List(sess).Single().Variables;
        Assert.Contains("w", listed);
        Assert.Contains("emb/part_0/hash/rows", listed);
        Assert.Contains("emb/part_1/hash/ids", listed);
        Assert.Contains(listed, n => n.StartsWith("emb/part_1/hash/scalar/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_table_of_another_row_width_is_refused_naming_it_and_nothing_is_restored()
    {
        static (Graph, Tensor Ids, Tensor Rows) Table(int dim)
        {
            var g = new Graph();
            using var scope = g.AsDefault();
            var ids = TF.Placeholder(DType.Int64, [-1], name: "ids");
            return (g, ids, TF.EmbeddingLookup(TF.GetHashEmbedding("emb", dim, parts: 2, initializer: TF.RandomUniformInitializer(-1, 1, seed: 7)), ids));
        }
        var store = NewStore();
        var feed = (Tensor ids) => new FeedDict { [ids] = NDArray.FromArray(new long[] { 1, 2, 3 }, new Shape(3)) };
        var (g4, ids4, rows4) = Table(4);
        string saved;
        using (var sess = new Session(g4, Options(store, 0)))
        {
            sess.Run(rows4, feed(ids4));
            saved = new Saver().Save(sess);
        }
        var (g8, ids8, rows8) = Table(8);
        using var restored = new Session(g8, Options(store, 0));
        var before = restored.Run(rows8, feed(ids8)).ToArray<float>();
        var error = Assert.Throws<InvalidArgumentException>(() => new Saver().Restore(restored, saved));
        Assert.Contains("Hash table emb", error.Message);
        Assert.Contains("4-wide rows", error.Message);
        Assert.Contains("nothing was restored", error.Message);
        Assert.Equal(before, restored.Run(rows8, feed(ids8)).ToArray<float>());
    }
}
