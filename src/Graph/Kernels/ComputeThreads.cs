using System.Diagnostics;

namespace ActorGraph.Kernels;

// Fork/join for the kernels' split products, on helper threads of their own rather than the thread pool.
//
// Why: a training step runs a dozen products back to back, each split in two, so every one of them waits
// for a helper to wake. Woken through the thread pool, which the cluster nodes run without spinning (their
// idle spinning costs the other processes' CPU: deploy/small-machine.env), each wake is a futex round trip, and the MLP
// step's products take 1.32-1.47 ms against 1.07-1.16 (local mode under the nodes' settings). Here a
// helper spins for a short while after each part, which covers the gap to the next product of the same step,
// then blocks: an idle process spends nothing, and a busy step pays no wake-up between its products.
internal static class ComputeThreads
{
    // Long enough to span the element-wise ops between two products of a step (tens of microseconds),
    // short enough that a helper left spinning after a step's last product costs the other processes little.
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000; // 100 µs

    private static readonly object Gate = new();
    private static Helper[] s_helpers = [];
    private static int s_busy;

    public static int Helpers => Math.Max(0, Environment.ProcessorCount - 1);

    // Runs body(0) … body(parts - 1), some on helpers and the rest on the calling thread, and returns when all
    // are done; the first exception of any part is rethrown here. A second caller while a split is running
    // (another session's step) runs its parts itself: the cores are taken already.
    public static void For(int parts, Action<int> body)
    {
        if (parts <= 1 || Helpers == 0 || Interlocked.Exchange(ref s_busy, 1) == 1)
        {
            RunInline(parts, body);
            return;
        }
        try
        {
            var job = new Job(parts, body);
            var helpers = HelpersFor(Math.Min(parts - 1, Helpers));
            for (int h = 0; h < helpers.Length && h < parts - 1; h++) helpers[h].Post(job);
            job.RunParts();
            job.WaitAll();
            if (job.Error is { } error) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    // The same contract as a split: every part runs, then the first exception is rethrown.
    private static void RunInline(int parts, Action<int> body)
    {
        Exception? first = null;
        for (int i = 0; i < parts; i++)
        {
            try
            {
                body(i);
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }
        if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
    }

    private static Helper[] HelpersFor(int count)
    {
        var helpers = s_helpers;
        if (helpers.Length >= count) return helpers;
        lock (Gate)
        {
            if (s_helpers.Length < count)
            {
                var grown = new Helper[count];
                Array.Copy(s_helpers, grown, s_helpers.Length);
                for (int h = s_helpers.Length; h < count; h++) grown[h] = new Helper(h);
                s_helpers = grown;
            }
            return s_helpers;
        }
    }

    private sealed class Job(int parts, Action<int> body)
    {
        private int _next = -1, _done;
        public Exception? Error;

        // Claims parts until none is left: whoever is free takes the next, so a helper that wakes late costs nothing.
        public void RunParts()
        {
            int i;
            while ((i = Interlocked.Increment(ref _next)) < parts)
            {
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref Error, e, null);
                }
                Interlocked.Increment(ref _done);
            }
        }

        public void WaitAll()
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _done) < parts) spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed class Helper
    {
        private readonly SemaphoreSlim _wake = new(0);
        private Job? _job;

        public Helper(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"ActorGraph compute {index + 1}" };
            thread.Start();
        }

        public void Post(Job job)
        {
            Volatile.Write(ref _job, job);
            // A helper still spinning after its last part sees the job without being woken.
            if (_wake.CurrentCount == 0) _wake.Release();
        }

        private void Loop()
        {
            while (true)
            {
                _wake.Wait();
                long until = Stopwatch.GetTimestamp() + SpinTicks;
                do
                {
                    if (Interlocked.Exchange(ref _job, null) is { } job)
                    {
                        job.RunParts();
                        until = Stopwatch.GetTimestamp() + SpinTicks;
                    }
                    // A yield, not a busy wait: on cores shared with other processes the thread that needs this
                    // core gets it (a process sending the step's updates), and on an idle core it returns at once.
                    else Thread.Yield();
                } while (Stopwatch.GetTimestamp() < until);
            }
        }
    }
}
