using System.Diagnostics;
using Xunit;

namespace ActorGraph.Persistence.Tests;

// Saver on a Session, end to end: the graph, the session's step gate, the store.
public sealed class SaverTests
{
    // The seed's linear regression with Momentum, so optimizer slots are saved too.
    private sealed class Model
    {
        public readonly Graph Graph = new();
        public readonly Variable M, B;
        public readonly Operation Init, Train;
        public readonly Tensor X, Y;

        public Model(int size = 1)
        {
            using var _ = Graph.AsDefault();
            M = TF.GetVariable("m", size == 1 ? [] : [size], initializer: TF.ConstantInitializer(0));
            B = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
            X = TF.Placeholder(DType.Float32);
            Y = TF.Placeholder(DType.Float32);
            var loss = TF.ReduceSum(TF.Square(Y - (M * X + B)));
            Train = new MomentumOptimizer(0.05, 0.9).Minimize(loss);
            Init = TF.GlobalVariablesInitializer();
        }

        public void Step(Session session, int i) =>
            session.Run(Train, new FeedDict { [X] = i % 7 / 7f, [Y] = 0.5f * (i % 7 / 7f) + 0.25f });

        public float[] Values(Session session) => [.. session.Run([M, B]).SelectMany(v => v!.ToArray<float>())];
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Save_then_a_new_session_restores_the_same_variables_and_optimizer_slots(string kind)
    {
        var store = TestStores.Create(kind);
        var model = new Model();
        var saver = new Saver();
        string id;
        float[] saved, next;
        using (var first = new Session(model.Graph, new SessionOptions { CheckpointStore = store }))
        {
            first.Run(model.Init);
            for (int i = 0; i < 30; i++) model.Step(first, i);
            id = saver.Save(first, "thirty");
            saved = model.Values(first);
            model.Step(first, 30);
            next = model.Values(first);
        }
        using var second = new Session(model.Graph, new SessionOptions { CheckpointStore = store });
        Assert.Equal(id, saver.Latest(second));
        saver.Restore(second, id);
        Assert.Equal(saved, model.Values(second));
        // The Momentum slots came back too: the next step lands exactly where the first session's did.
        model.Step(second, 30);
        Assert.Equal(next, model.Values(second));
        var info = Assert.Single(saver.List(second));
        // The global step counts every Run of the session: the initializer and 30 training steps.
        Assert.Equal(("thirty", 31L), (info.Name, info.Step));
        Assert.Contains("m/Momentum", info.Variables);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void A_checkpoint_restores_into_sessions_with_one_to_three_parameter_servers_whatever_wrote_it(string kind)
    {
        var store = TestStores.Create(kind);
        var model = new Model(size: 4);
        var saver = new Saver();
        var ids = new Dictionary<int, (string Id, float[] Values)>();
        for (int ps = 1; ps <= 3; ps++)
        {
            using var writer = new Session(model.Graph, new SessionOptions { CheckpointStore = store, ParameterServers = ps });
            writer.Run(model.Init);
            for (int i = 0; i < 5 * ps; i++) model.Step(writer, i);
            ids[ps] = (saver.Save(writer), model.Values(writer));
        }
        foreach (var (written, (id, values)) in ids)
            for (int ps = 1; ps <= 3; ps++)
            {
                using var reader = new Session(model.Graph, new SessionOptions { CheckpointStore = store, ParameterServers = ps });
                saver.Restore(reader, id);
                Assert.Equal(values, model.Values(reader));
            }
    }

    [Fact]
    public void A_saver_on_a_session_without_a_store_writes_actorgraph_db_in_the_working_directory()
    {
        var model = new Model();
        using var session = new Session(model.Graph);
        session.Run(model.Init);
        model.Step(session, 3);
        var id = new Saver().Save(session, "default-store");
        Assert.True(File.Exists(Path.Combine(Environment.CurrentDirectory, "actorgraph.db")));
        using var other = new Session(model.Graph);
        new Saver().Restore(other, id);
        Assert.Equal(model.Values(session), model.Values(other));
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Automatic_checkpoints_every_n_steps_keep_the_last_n(string kind)
    {
        var store = TestStores.Create(kind);
        var model = new Model();
        using var session = new Session(model.Graph, new SessionOptions { CheckpointStore = store, CheckpointEverySteps = 10, CheckpointsToKeep = 3 });
        session.Run(model.Init);
        for (int i = 0; i < 60; i++) model.Step(session, i);
        var all = new Saver().List(session);
        Assert.Equal([40L, 50L, 60L], all.Select(c => c.Step));
        Assert.All(all, c => Assert.Equal("auto", c.Name));
    }

    [Fact]
    public async Task Automatic_checkpoints_every_time_span_are_taken_after_the_step_that_crosses_it()
    {
        var model = new Model();
        using var session = new Session(model.Graph, new SessionOptions
        {
            CheckpointStore = TestStores.Create(TestStores.Sqlite), CheckpointEvery = TimeSpan.FromMilliseconds(300),
        });
        session.Run(model.Init);
        for (int i = 0; i < 8; i++)
        {
            model.Step(session, i);
            await Task.Delay(100);
        }
        var all = new Saver().List(session);
        Assert.InRange(all.Count, 1, 4);
        Assert.All(all, c => Assert.Equal("auto", c.Name));
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void A_checkpoint_of_another_shape_names_the_variable_and_changes_nothing(string kind)
    {
        var store = TestStores.Create(kind);
        var scalar = new Model();
        string id;
        using (var first = new Session(scalar.Graph, new SessionOptions { CheckpointStore = store }))
        {
            first.Run(scalar.Init);
            id = new Saver().Save(first);
        }
        var vector = new Model(size: 3);
        using var second = new Session(vector.Graph, new SessionOptions { CheckpointStore = store });
        second.Run(vector.Init);
        using (vector.Graph.AsDefault()) second.Run(TF.Assign(vector.B, TF.Constant(9f)));
        var error = Assert.Throws<InvalidArgumentException>(() => new Saver().Restore(second, id));
        Assert.Contains("tensor_name = m;", error.Message);
        Assert.Equal(9f, second.Run(vector.B).ToScalar<float>());
    }

    [Fact]
    public void A_session_on_an_unreachable_store_fails_quickly_as_unavailable()
    {
        var model = new Model();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<UnavailableException>(() =>
            new Session(model.Graph, new SessionOptions { CheckpointStore = "Host=127.0.0.1;Port=1;Database=x;Username=y;Password=hidden-pw" }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
        Assert.Contains("127.0.0.1:1", error.Message);
        Assert.DoesNotContain("hidden-pw", error.Message);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public async Task Saving_holds_new_steps_so_every_variable_is_cut_at_the_same_step(string kind)
    {
        var store = TestStores.Create(kind);
        var graph = new Graph();
        Variable a, b;
        Operation both, init;
        using (graph.AsDefault())
        {
            a = TF.GetVariable("a", [], DType.Int64, TF.ZerosInitializer());
            b = TF.GetVariable("b", [], DType.Int64, TF.ZerosInitializer());
            both = TF.Group(TF.AssignAdd(a, TF.Constant(1L)).Op, TF.AssignAdd(b, TF.Constant(1L)).Op);
            init = TF.VariablesInitializer([a, b]);
        }
        using var session = new Session(graph, new SessionOptions { CheckpointStore = store });
        session.Run(init);
        using var stop = new CancellationTokenSource();
        var runners = Enumerable.Range(0, 4).Select(_ => Task.Run(() => { while (!stop.IsCancellationRequested) session.Run(both); })).ToArray();
        var saver = new Saver([a, b]);
        var ids = Enumerable.Range(0, 5).Select(_ => saver.Save(session)).ToList();
        stop.Cancel();
        await Task.WhenAll(runners).WaitAsync(TimeSpan.FromSeconds(30));
        using var reader = new Session(graph, new SessionOptions { CheckpointStore = store });
        foreach (var id in ids)
        {
            saver.Restore(reader, id);
            var values = reader.Run([a, b]);
            Assert.Equal(values[0]!.ToScalar<long>(), values[1]!.ToScalar<long>());
        }
    }
}
