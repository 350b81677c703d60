using System.Text.RegularExpressions;

namespace ActorGraph.Host.Training;

// Where training stands, as the trainer's checkpoint names say it: `epoch-E` once epoch E is done,
// `epoch-E-step-S` after step S of epoch E. A resumed run starts at the step after it.
internal sealed partial record TrainingPosition(int Epoch, int StepsDone)
{
    public static readonly TrainingPosition Start = new(1, 0);

    public static string EpochName(int epoch) => $"epoch-{epoch}";

    public static string StepName(int epoch, int step) => $"epoch-{epoch}-step-{step}";

    // The position after the named checkpoint; null for a name the trainer does not write (weights only).
    public static TrainingPosition? After(string? name)
    {
        var m = name is null ? null : NamePattern().Match(name);
        if (m is null || !m.Success) return null;
        int epoch = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return m.Groups[2].Success
            ? new TrainingPosition(epoch, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
            : new TrainingPosition(epoch + 1, 0);
    }

    // Training steps taken before this position: the step TensorBoard plots against.
    public long GlobalStep(int stepsPerEpoch) => (long)(Epoch - 1) * stepsPerEpoch + StepsDone;

    [GeneratedRegex(@"^epoch-(\d{1,9})(?:-step-(\d{1,9}))?$")]
    private static partial Regex NamePattern();
}
