namespace ActorGraph.Host.Cli;

// A training loop on a cluster outlives a node that goes: a step that failed because a worker, a
// parameter server or the coordinator left (Unavailable, or a deadline) is said and run again on
// who is left. Local mode has nothing to wait for: its errors pass straight through.
internal sealed class ClusterSteps(bool cluster, int maxRetries = 60)
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(500);

    public int Retried { get; private set; }

    public T Run<T>(Func<T> step)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return step();
            }
            catch (ActorGraphException e) when (cluster && attempt < maxRetries && e is UnavailableException or DeadlineExceededException or AbortedException)
            {
                Retried++;
                Console.Error.WriteLine($"step failed ({e.GetType().Name}): {FirstLine(e.Message)}; running it again on the nodes left");
                Thread.Sleep(Pause);
            }
        }
    }

    private static string FirstLine(string s) => s.Split('\n')[0];
}
