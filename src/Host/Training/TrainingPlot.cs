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
        // Train solid with filled markers, test dashed with open ones: the legend shows the markers.
        Line(plot, xs, epochs.Select(e => e.TrainLoss), "train loss", Colors.C0, test: false, plot.Axes.Left);
        Line(plot, xs, epochs.Select(e => e.TestLoss), "test loss", Colors.C0, test: true, plot.Axes.Left);
        Line(plot, xs, epochs.Select(e => e.TrainAccuracy), "train accuracy", Colors.C1, test: false, plot.Axes.Right);
        Line(plot, xs, epochs.Select(e => e.TestAccuracy), "test accuracy", Colors.C1, test: true, plot.Axes.Right);
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

    private static void Line(Plot plot, double[] xs, IEnumerable<double> ys, string label, Color color, bool test, IYAxis axis)
    {
        var s = plot.Add.Scatter(xs, ys.ToArray(), color);
        s.LegendText = label;
        s.LinePattern = test ? LinePattern.Dashed : LinePattern.Solid;
        s.MarkerShape = test ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
        s.LineWidth = 2;
        s.MarkerSize = 8;
        s.Axes.YAxis = axis;
    }
}
