using Xunit;

namespace ActorGraph.Persistence.Tests;

// A real `actorgraph train-demo` process (a local-mode session: coordinator, worker and a persistent
// parameter server as actors), killed with SIGKILL mid-training and started again on the same store.
public sealed class KillTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void A_host_killed_mid_training_resumes_from_its_last_checkpoint(string kind)
    {
        var store = TestStores.Create(kind);
        Dictionary<string, long> printed;
        long lastCheckpoint, lastAck;
        using (var first = new HostProcess("train-demo", "--store", store, "--checkpoint-every", "10"))
        {
            first.ReadUntil(l => l == "started", Patience);
            int checkpoints = 0;
            first.ReadUntil(l => l.StartsWith("checkpoint ") && ++checkpoints == 3, Patience);
            first.ReadUntil(l => l.StartsWith("ack ") && Count(l) % 10 == 5, Patience);
            first.Kill();
            printed = first.Seen.Where(l => l.StartsWith("checkpoint ")).ToDictionary(l => l.Split(' ')[1], l => long.Parse(Fields(l)["count"]));
            lastCheckpoint = printed.Values.Max();
            lastAck = first.Seen.Where(l => l.StartsWith("ack ")).Max(Count);
        }

        using var second = new HostProcess("train-demo", "--store", store, "--checkpoint-every", "10", "--steps", "1");
        var resumed = Fields(second.ReadUntil(l => l.StartsWith("resumed ") || l == "started", Patience));
        Assert.True(resumed.ContainsKey("count"), "the restarted host found no state");
        long count = long.Parse(resumed["count"]);
        // Back to a checkpoint: the last printed one, or one the kill cut off before its line got out; never past the last ack.
        Assert.InRange(count, lastCheckpoint, lastAck);
        Assert.Equal(0, count % 10);
        // The parameter server returns to the catalog's latest checkpoint, never to a newer snapshot without a catalog entry.
        if (printed.TryGetValue(resumed["latest"], out var atLatest)) Assert.Equal(atLatest, count);
        second.ReadUntil(l => l == $"ack {count + 1}", Patience);
        Assert.Equal(0, second.WaitForExit(Patience));
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void In_journal_mode_every_update_acknowledged_before_the_kill_survives_it(string kind)
    {
        var store = TestStores.Create(kind);
        long lastAcked;
        using (var first = new HostProcess("train-demo", "--store", store, "--durability", "journal", "--checkpoint-every", "25"))
        {
            first.ReadUntil(l => l == "started", Patience);
            first.ReadUntil(l => l.StartsWith("ack ") && Count(l) >= 60, Patience);
            first.Kill();
            lastAcked = first.Seen.Where(l => l.StartsWith("ack ")).Max(Count);
        }

        using var second = new HostProcess("train-demo", "--store", store, "--durability", "journal", "--steps", "1");
        var resumed = Fields(second.ReadUntil(l => l.StartsWith("resumed ") || l == "started", Patience));
        Assert.True(resumed.ContainsKey("count"), "the restarted host found no state");
        // Every acknowledged AssignAdd is there; at most the one in flight at the kill is extra.
        Assert.InRange(long.Parse(resumed["count"]), lastAcked, lastAcked + 1);
        Assert.Equal(0, second.WaitForExit(Patience));
    }

    private static long Count(string ackLine) => long.Parse(ackLine.Split(' ')[1]);

    private static Dictionary<string, string> Fields(string line) => line.Split(' ')
        .Where(w => w.Contains('=')).Select(w => w.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
