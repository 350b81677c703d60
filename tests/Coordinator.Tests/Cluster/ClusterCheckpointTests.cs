using Xunit;

namespace ActorGraph.Coordinator.Tests.Cluster;

// Saver and automatic checkpoints on a cluster session: the client holds its steps, copies the
// variables (optimizer slots too) from the cluster's shards and writes its own SQLite store; a restore
// goes back to the shards that own each variable now, on this cluster or on a new one, or in local mode.
[Collection("cluster")]
public class ClusterCheckpointTests
{
    // The seed's regression with Momentum (slots are saved too) and a larger variable placed on another shard.
    private sealed class Model
    {
        public readonly Graph Graph = new();
        public readonly Variable M, B, W;
        public readonly Operation Init, Train;
        public readonly Tensor X, Y;

        public Model()
        {
            using var _ = Graph.AsDefault();
            M = TF.GetVariable("m", [], initializer: TF.ConstantInitializer(0));
            B = TF.GetVariable("b", [], initializer: TF.ConstantInitializer(0));
            W = TF.GetVariable("w", [64, 64], initializer: TF.GlorotUniformInitializer(seed: 4));
            X = TF.Placeholder(DType.Float32);
            Y = TF.Placeholder(DType.Float32);
            var loss = TF.ReduceSum(TF.Square(Y - (M * X + B))) + 1e-3f * TF.ReduceSum(TF.Square(W));
            Train = new MomentumOptimizer(0.05, 0.9).Minimize(loss);
            Init = TF.GlobalVariablesInitializer();
        }

        public void Step(Session session, int i) =>
            session.Run(Train, new FeedDict { [X] = i % 7 / 7f, [Y] = 0.5f * (i % 7 / 7f) + 0.25f });

        public float[] Values(Session session) => [.. session.Run([M, B, W]).SelectMany(v => v!.ToArray<float>())];
    }

    private static string NewStore() =>
        $"Data Source={Path.Combine(Directory.CreateTempSubdirectory("actorgraph-cluster-ckpt-").FullName, "store.db")}";

    private static SessionOptions On(string seed, string store, int everySteps = 0) => new()
    {
        Cluster = seed, CheckpointStore = store, CheckpointEverySteps = everySteps, StepTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task A_saved_cluster_session_restores_on_the_same_cluster_on_a_new_cluster_and_in_local_mode()
    {
        var store = NewStore();
        var model = new Model();
        var saver = new Saver();
        string id;
        float[] saved, next;
        await using (var cluster = await LoopbackCluster.StartAsync(workers: 2, ps: 2))
        using (var session = new Session(model.Graph, On(cluster.Seed, store)))
        {
            session.Run(model.Init);
            for (int i = 0; i < 20; i++) model.Step(session, i);
            id = saver.Save(session, "twenty");
            saved = model.Values(session);
            model.Step(session, 20);
            next = model.Values(session);
            Assert.NotEqual(saved, next);

            saver.Restore(session, id);
            Assert.Equal(saved, model.Values(session));
            // The Momentum slots came back too: the next step lands exactly where it did the first time.
            model.Step(session, 20);
            Assert.Equal(next, model.Values(session));
        }

        // Every node gone and a new cluster started, as after a crash of everything (TF1's only cure):
        // training goes on from the checkpoint.
        await using (var fresh = await LoopbackCluster.StartAsync(workers: 1, ps: 3))
        using (var session = new Session(model.Graph, On(fresh.Seed, store)))
        {
            Assert.Equal(id, saver.Latest(session));
            saver.Restore(session, saver.Latest(session)!);
            Assert.Equal(saved, model.Values(session));
            model.Step(session, 20);
            Assert.Equal(next, model.Values(session));
            var info = Assert.Single(saver.List(session));
            Assert.Equal(("twenty", 21L), (info.Name, info.Step));
            Assert.Contains("m/Momentum", info.Variables);
        }

        using var local = new Session(model.Graph, new SessionOptions { CheckpointStore = store, ParameterServers = 2 });
        saver.Restore(local, id);
        Assert.Equal(saved, model.Values(local));
    }

    [Fact]
    public async Task Cluster_checkpoints_are_refused_for_uninitialized_variables_and_taken_automatically_every_n_steps()
    {
        var store = NewStore();
        var model = new Model();
        await using var cluster = await LoopbackCluster.StartAsync(workers: 1, ps: 1);
        using (var uninitialized = new Session(model.Graph, On(cluster.Seed, store)))
        {
            var e = Assert.Throws<FailedPreconditionException>(() => new Saver().Save(uninitialized));
            Assert.Contains("uninitialized value", e.Message);
            Assert.Empty(new Saver().List(uninitialized));
            // The session is still usable.
            uninitialized.Run(model.Init);
            Assert.Equal(0f, uninitialized.Run(model.M).ToScalar<float>());
        }

        using var session = new Session(model.Graph, On(cluster.Seed, store, everySteps: 10));
        session.Run(model.Init);
        for (int i = 0; i < 35; i++) model.Step(session, i);
        var automatic = new Saver().List(session);
        Assert.Equal([10L, 20L, 30L], automatic.Select(c => c.Step));
        Assert.All(automatic, c => Assert.Equal("auto", c.Name));
        Assert.All(automatic, c => Assert.Contains("w", c.Variables));
    }
}
