using Akka.Actor;

namespace ActorGraph.Worker.Tests;

// Partitions written by hand, as the coordinator would register them.
internal static class Partitions
{
    public static string Path(IActorRef actor) => actor.Path.ToSerializationFormat();

    // The seed's training step as one stage: reads m and b, updates both (unless !train), fetches the loss.
    public static RegisterPartition Seed(IActorRef shard, IActorRef worker, int planId = 1, bool train = true)
    {
        var g = new Graph();
        string trainOp;
        using (g.AsDefault())
        {
            var m = TF.GetVariable("m", [], initializer: TF.ZerosInitializer());
            var b = TF.GetVariable("b", [], initializer: TF.ZerosInitializer());
            var x = TF.Placeholder(DType.Float32, name: "x");
            var y = TF.Placeholder(DType.Float32, name: "y");
            TF.Identity(TF.Square(y - (m * x + b)), name: "loss");
            trainOp = new GradientDescentOptimizer(0.5).Minimize(g.GetTensor("loss:0")).Name;
        }
        var stage = new PartitionStage(g.ExportSince(0).ToArray(), train ? ["loss", trainOp] : ["loss"],
            [new StageFeed("x:0", 0), new StageFeed("y:0", 1)], [], [], [new StageFetch("loss:0", 0)]);
        return new RegisterPartition(planId, [stage], ["m", "b"], [0, 0], [[0, 1]], [Path(shard)], [Path(worker)], 2, false, 0);
    }
}
