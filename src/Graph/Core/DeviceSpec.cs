using System.Text.RegularExpressions;

namespace ActorGraph;

// Device strings the runtime understands: /job:worker/task:N and /job:ps/task:N.
public static partial class DeviceSpec
{
    [GeneratedRegex(@"^/job:(?<job>[a-z]+)(/replica:0)?(/task:(?<task>\d+))?(/device:CPU:0|/cpu:0)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static string Normalize(string spec)
    {
        if (spec.Length == 0) return spec;
        var m = Pattern().Match(spec);
        if (!m.Success || m.Groups["job"].Value.ToLowerInvariant() is not ("worker" or "ps" or "localhost"))
            throw new ArgumentException($"Device '{spec}' is not understood: write '/job:worker/task:N' or '/job:ps/task:N'.");
        var job = m.Groups["job"].Value.ToLowerInvariant();
        if (job == "localhost") job = "worker";
        var task = m.Groups["task"].Success ? int.Parse(m.Groups["task"].Value) : 0;
        return $"/job:{job}/task:{task}";
    }

    public static bool TryParse(string spec, out string job, out int task)
    {
        job = "";
        task = 0;
        if (spec.Length == 0) return false;
        var m = Pattern().Match(spec);
        if (!m.Success) return false;
        job = m.Groups["job"].Value.ToLowerInvariant();
        task = m.Groups["task"].Success ? int.Parse(m.Groups["task"].Value) : 0;
        return true;
    }
}
