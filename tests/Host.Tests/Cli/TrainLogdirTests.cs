using System.Buffers.Binary;
using ActorGraph.Summaries;
using ActorGraph.Summaries.Proto;

namespace ActorGraph.Host.Tests.Cli;

public class TrainLogdirTests
{
    [Fact]
    public void Train_with_a_logdir_writes_the_scalars_weight_histograms_and_graph_TensorBoard_shows()
    {
        var data = TinyFashionMnist.Write(train: 200, test: 50);
        var work = TempDir.Create();
        var r = ActorGraphProcess.RunIn(work, null, "train", "fashion-mnist", "--data", data, "--epochs", "2", "--batch", "10", "--workers", "2", "--logdir", "runs");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("tensorboard --logdir runs", r.Out);
        var events = ReadEvents(Directory.GetFiles(Path.Combine(work, "runs"), "events.out.tfevents.*").Single());

        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var graph = GraphDef.Parser.ParseFrom(Assert.Single(events, e => e.WhatCase == Event.WhatOneofCase.GraphDef).GraphDef);
        Assert.Contains(graph.Node, n => n.Name == "layer1/weights" && n.Op == "VariableV2");
        Assert.Contains(graph.Node, n => n.Name == "layer2/MatMul");

        var summaries = events.Where(e => e.WhatCase == Event.WhatOneofCase.Summary).ToList();
        // 200 examples in batches of 10: 20 steps an epoch; the batch summaries every 20 steps.
        var batchSteps = summaries.Where(e => e.Summary.Value.Any(v => v.Tag == "batch/loss")).Select(e => e.Step);
        Assert.Equal([0L, 20L], batchSteps);
        var epochs = summaries.Where(e => e.Summary.Value.Any(v => v.Tag == "epoch/test_accuracy")).ToList();
        Assert.Equal([20L, 40L], epochs.Select(e => e.Step));
        Assert.All(epochs, e => Assert.InRange(e.Summary.Value.Single(v => v.Tag == "epoch/test_accuracy").SimpleValue, 0f, 1f));
        var histograms = summaries.Where(e => e.Summary.Value.Any(v => v.Histo is not null)).ToList();
        Assert.Equal(2, histograms.Count);
        var weights = histograms[^1].Summary.Value.Single(v => v.Tag == "weights/layer1/weights").Histo;
        Assert.Equal(784 * 256, weights.Num);
        Assert.Equal(weights.Num, weights.Bucket.Sum());
    }

    // Each record's CRCs checked, then the Event parsed.
    private static List<Event> ReadEvents(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        for (int at = 0; at < bytes.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Assert.Equal(MaskedCrc.Masked(bytes.AsSpan(at, 8)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            var data = bytes.AsSpan(at + 12, length);
            Assert.Equal(MaskedCrc.Masked(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + length)));
            events.Add(Event.Parser.ParseFrom(data));
            at += 16 + length;
        }
        return events;
    }
}
