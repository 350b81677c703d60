using System.Text.RegularExpressions;

namespace ActorGraph;

// Device strings the runtime understands: /job:worker/task:N and /job:ps/task:N.
public static partial class DeviceSpec
{
    [GeneratedRegex(@"^(/job:(?<job>[a-z]+))?(/replica:0)?(/task:(?<task>\d+))?(/device:CPU:0|/cpu:0)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static string Normalize(string spec) => Merge("", spec);

    // As TensorFlow merges a tf.device spec into the enclosing one: the fields the spec names win,
    // the others come from `outer` (itself normalized or ""); an empty spec keeps `outer`.
    public static string Merge(string outer, string spec)
    {
        if (spec.Length == 0) return outer;
        var m = Pattern().Match(spec);
        TryParse(outer, out var outerJob, out var outerTask);
        string job = m.Groups["job"].Success ? m.Groups["job"].Value.ToLowerInvariant() : outerJob;
        if (job == "localhost") job = "worker";
        if (!m.Success || job is not ("worker" or "ps"))
            throw new ArgumentException($"Device '{spec}' is not understood: write '/job:worker/task:N' or '/job:ps/task:N'.");
        var task = m.Groups["task"].Success ? int.Parse(m.Groups["task"].Value) : outerTask;
        return $"/job:{job}/task:{task}";
    }

    public static bool TryParse(string spec, out string job, out int task)
    {
        job = "";
        task = 0;
        if (spec.Length == 0) return false;
        var m = Pattern().Match(spec);
        if (!m.Success || !m.Groups["job"].Success) return false;
        job = m.Groups["job"].Value.ToLowerInvariant();
        task = m.Groups["task"].Success ? int.Parse(m.Groups["task"].Value) : 0;
        return true;
    }
}
