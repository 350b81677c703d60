using ActorGraph.Host.Cli;
using ActorGraph.Host.Ctr;

namespace ActorGraph.Host.Tests.Ctr;

public class WideAndDeepTests
{
    [Fact]
    public void A_short_training_run_on_two_parameter_servers_ranks_test_clicks_well_above_chance()
    {
        var shape = ClickLogShape.Default with { Rows = 5_000, TrainExamples = 30_000, TestExamples = 5_000 };
        var log = ClickLog.Generate(shape);
        var graph = new Graph();
        using var scope = graph.AsDefault();
        var model = WideAndDeep.Build(shape.Fields, shape.Rows, parts: 2, learningRate: 0.05, seed: 1);
        Assert.Equal(2, model.Embeddings.Count);
        using var session = new Session(graph, new SessionOptions { ParameterServers = 2 });
        session.Run([model.Init]);
        var trainer = new CtrTrainer(session, model, batchSize: 256, seed: 1, new ClusterSteps(cluster: false));
        var (_, untrained) = trainer.Evaluate(log.Test);
        var epoch = trainer.Epoch(1, 1, log.Train, log.Test);
        double truth = log.TruthAuc();
        Assert.True(epoch.TestAuc > 0.7 && epoch.TestAuc > untrained + 0.1,
            $"test AUC {epoch.TestAuc:F4} after an epoch, {untrained:F4} before (generating model: {truth:F4})");
    }
}
