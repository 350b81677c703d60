using ScottPlot;

namespace ActorGraph.Host.Training;

// The PNG of a training run: loss (left axis) and accuracy (right axis) per epoch, train and test.
internal static class TrainingPlot
{
    public const int Width = 900, Height = 540;

    public static void Save(string path, string title, IReadOnlyList<EpochResult> epochs)
    {
        var plot = new Plot();
        double[] xs = epochs.Select(e => (double)e.Epoch).ToArray();
        Line(plot, xs, epochs.Select(e => e.TrainLoss), "train loss", Colors.C0, LinePattern.Solid, plot.Axes.Left);
        Line(plot, xs, epochs.Select(e => e.TestLoss), "test loss", Colors.C0, LinePattern.Dashed, plot.Axes.Left);
        Line(plot, xs, epochs.Select(e => e.TrainAccuracy), "train accuracy", Colors.C1, LinePattern.Solid, plot.Axes.Right);
        Line(plot, xs, epochs.Select(e => e.TestAccuracy), "test accuracy", Colors.C1, LinePattern.Dashed, plot.Axes.Right);
        plot.Title(title);
        plot.XLabel("epoch");
        plot.Axes.Left.Label.Text = "loss (cross-entropy)";
        plot.Axes.Right.Label.Text = "accuracy";
        plot.Axes.Right.Label.IsVisible = true;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plot.ShowLegend(Edge.Bottom);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        plot.SavePng(full, Width, Height);
    }

    private static void Line(Plot plot, double[] xs, IEnumerable<double> ys, string label, Color color, LinePattern pattern, IYAxis axis)
    {
        var s = plot.Add.Scatter(xs, ys.ToArray(), color);
        s.LegendText = label;
        s.LinePattern = pattern;
        s.LineWidth = 2;
        s.MarkerSize = 7;
        s.Axes.YAxis = axis;
    }
}
