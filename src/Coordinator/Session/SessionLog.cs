using Microsoft.Extensions.Logging;

namespace ActorGraph;

// The session's warnings: to the caller's ILogger, else as plain lines on standard error, so a
// program without logging set up still hears about the traps it fell into.
internal static class SessionLog
{
    public static Action<string> Warner(ILogger? logger) => logger is null
        ? message => Console.Error.WriteLine($"warning: {message}")
        : message => logger.LogWarning("{Warning}", message);
}
