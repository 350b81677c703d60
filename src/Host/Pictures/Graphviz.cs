using System.Diagnostics;

namespace ActorGraph.Host.Pictures;

// Renders DOT through Graphviz's `dot` (Debian: graphviz). ACTORGRAPH_DOT names another binary,
// which is also how tests see the fallback on a machine that has dot.
internal static class Graphviz
{
    public const string InstallHint = "sudo apt-get install graphviz";

    public static string? FindDot()
    {
        var configured = Environment.GetEnvironmentVariable("ACTORGRAPH_DOT");
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "dot");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static void RenderSvg(string dotBinary, string dotText, string outputPath)
    {
        var start = new ProcessStartInfo(dotBinary, ["-Tsvg", "-o", outputPath])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new IOException($"Could not start {dotBinary}.");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(dotText);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new IOException($"{dotBinary} did not finish within 60 s.");
        }
        if (process.ExitCode != 0) throw new IOException($"{dotBinary} failed (exit {process.ExitCode}): {errors.Result.Trim()}");
    }
}
