using ActorGraph.GraphTests.Execution;
using System.Text.RegularExpressions;
using ActorGraph.Summaries.Proto;
using Xunit;

namespace ActorGraph.GraphTests.Summaries;

public class FileWriterTests
{
    private static (Graph, Tensor X, Tensor Loss, Tensor Merged) Model()
    {
        var g = new Graph();
        using var _ = g.AsDefault();
        var x = TF.Placeholder(DType.Float32, [3], "x");
        var loss = TF.ReduceSum(x * x, name: "loss_value");
        TF.Summary.Scalar("loss", loss);
        TF.Summary.Histogram("x_values", x);
        return (g, x, loss, TF.Summary.MergeAll()!);
    }

    [Fact]
    public void The_file_is_named_as_TensorFlow_names_it_and_starts_with_the_file_version()
    {
        using var dir = new TempDir();
        using (var writer = new FileWriter(dir.Path))
            Assert.Matches(new Regex(@"events\.out\.tfevents\.\d{10}\..+$"), writer.Path);
        var events = EventFileReader.ReadOnly(dir.Path).Events;
        var first = Assert.Single(events);
        Assert.Equal("brain.Event:2", first.FileVersion);
        Assert.InRange(first.WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public void A_scalar_summary_run_in_a_session_reads_back_with_its_step()
    {
        var (g, x, _, merged) = Model();
        using var dir = new TempDir();
        var sess = new LocalExecutor(g);
        using (var writer = new FileWriter(dir.Path))
        {
            for (int step = 0; step < 3; step++)
                writer.AddSummary(sess.Run(merged, new FeedDict { [x] = new float[] { step, 1, 2 } }), step * 10);
        }
        var summaries = EventFileReader.ReadOnly(dir.Path).Events.Where(e => e.WhatCase == Event.WhatOneofCase.Summary).ToList();
        Assert.Equal([0L, 10L, 20L], summaries.Select(e => e.Step));
        for (int step = 0; step < 3; step++)
        {
            var loss = summaries[step].Summary.Value.Single(v => v.Tag == "loss");
            Assert.Equal(step * step + 5f, loss.SimpleValue);
            var histo = summaries[step].Summary.Value.Single(v => v.Tag == "x_values").Histo;
            Assert.Equal(3, histo.Num);
            Assert.Equal(step + 3.0, histo.Sum);
        }
    }

    [Fact]
    public void The_graph_given_to_the_constructor_is_written_once_after_the_file_version()
    {
        var (g, _, _, _) = Model();
        using var dir = new TempDir();
        using (new FileWriter(dir.Path, g)) { }
        var events = EventFileReader.ReadOnly(dir.Path).Events;
        Assert.Equal([Event.WhatOneofCase.FileVersion, Event.WhatOneofCase.GraphDef], events.Select(e => e.WhatCase));
        var def = GraphDef.Parser.ParseFrom(events[1].GraphDef);
        Assert.Equal(g.Operations.Select(o => o.Name), def.Node.Select(n => n.Name));
    }

    [Fact]
    public void A_torn_last_record_leaves_the_earlier_records_readable()
    {
        var (g, x, _, merged) = Model();
        using var dir = new TempDir();
        string path;
        var sess = new LocalExecutor(g);
        using (var writer = new FileWriter(dir.Path))
        {
            path = writer.Path;
            writer.AddSummary(sess.Run(merged, new FeedDict { [x] = new float[] { 1, 2, 3 } }), 1);
            writer.AddSummary(sess.Run(merged, new FeedDict { [x] = new float[] { 4, 5, 6 } }), 2);
        }
        var whole = File.ReadAllBytes(path);
        var complete = EventFileReader.Read(path);
        Assert.False(complete.Torn);
        Assert.Equal(3, complete.Events.Count);
        // A process killed mid-write: the last record cut at every point from its header to its CRC.
        int lastStart = whole.Length - (12 + complete.Events[2].CalculateSize() + 4);
        foreach (int cut in new[] { lastStart + 5, lastStart + 12, lastStart + 40, whole.Length - 1 })
        {
            File.WriteAllBytes(path, whole[..cut]);
            var read = EventFileReader.Read(path);
            Assert.True(read.Torn);
            Assert.Equal([Event.WhatOneofCase.FileVersion, Event.WhatOneofCase.Summary], read.Events.Select(e => e.WhatCase));
            Assert.Equal(1, read.Events[1].Step);
        }
    }

    [Fact]
    public void AddSummary_refuses_a_value_that_is_not_a_summary()
    {
        using var dir = new TempDir();
        using var writer = new FileWriter(dir.Path);
        var numeric = Assert.Throws<ArgumentException>(() => writer.AddSummary(NDArray.Scalar(1f), 0));
        Assert.Contains("scalar string tensor", numeric.Message);
        var garbage = Assert.Throws<ArgumentException>(() => writer.AddSummary(NDArray.FromByteStrings([[0xff, 0xff, 0xff]], Shape.Scalar), 0));
        Assert.Contains("not a serialized Summary", garbage.Message);
    }

    [Fact]
    public void A_disposed_writer_says_so()
    {
        using var dir = new TempDir();
        var writer = new FileWriter(dir.Path);
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.Flush());
    }

    [Fact]
    public void A_logdir_that_is_a_file_is_refused_naming_it()
    {
        using var dir = new TempDir();
        var file = System.IO.Path.Combine(dir.Path, "taken");
        File.WriteAllText(file, "");
        var e = Assert.Throws<IOException>(() => new FileWriter(file));
        Assert.Contains($"log directory '{file}'", e.Message);
        Assert.Contains("Pass a directory you can write to", e.Message);
    }
}
