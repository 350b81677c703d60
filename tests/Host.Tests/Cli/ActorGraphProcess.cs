using System.Diagnostics;

namespace ActorGraph.Host.Tests.Cli;

internal sealed record CliResult(int ExitCode, string Out, string Err)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

// Runs the built `actorgraph.dll` with `dotnet`, as a user would, in a folder of the test's own.
internal static class ActorGraphProcess
{
    // tests/Host.Tests/bin/<Configuration>/net10.0 → src/Host/bin/<Configuration>/net10.0/actorgraph.dll
    public static readonly string Dll = FindDll();

    // The repository's root (where ActorGraph.sln is), for the deploy scripts.
    public static string Root => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Dll)!, "..", "..", "..", "..", ".."));

    public static CliResult RunIn(string workDir, IReadOnlyDictionary<string, string>? env, params string[] args) =>
        Exec("dotnet", [Dll, .. args], workDir, env, TimeSpan.FromSeconds(90), $"actorgraph {string.Join(' ', args)}");

    // Any program, its output read to the end; killed (with what it started) past the timeout.
    public static CliResult Exec(string file, IEnumerable<string> args, string workDir, IReadOnlyDictionary<string, string>? env, TimeSpan timeout, string what)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} did not finish within {timeout.TotalSeconds:0} s.");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static CliResult Run(params string[] args) => RunIn(TempDir.Create(), null, args);

    private static string FindDll()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = baseDir.Parent!.Name;
        var root = baseDir.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(root, "src", "Host", "bin", configuration, baseDir.Name, "actorgraph.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build src/Host first: {dll} is missing.");
    }
}

internal static class TempDir
{
    public static string Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "actorgraph-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
