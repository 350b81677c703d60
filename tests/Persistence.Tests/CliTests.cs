using Xunit;

namespace ActorGraph.Persistence.Tests;

// `actorgraph checkpoints list|show|delete --store …`, as a user runs it.
public sealed class CliTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static (int Code, IReadOnlyList<string> Lines) Run(params string[] args)
    {
        using var host = new HostProcess(args);
        int code = host.WaitForExit(Patience);
        host.ReadUntil(_ => false, TimeSpan.Zero, failIfMissing: false);
        return (code, host.Seen);
    }

    [Theory]
    [MemberData(nameof(TestStores.Kinds), MemberType = typeof(TestStores))]
    public void Checkpoints_are_listed_shown_and_deleted_from_the_command_line(string kind)
    {
        var store = TestStores.Create(kind);
        var (trained, lines) = Run("train-demo", "--store", store, "--steps", "30", "--checkpoint-every", "10");
        Assert.True(trained == 0, string.Join('\n', lines));
        var ids = lines.Where(l => l.StartsWith("checkpoint ")).Select(l => l.Split(' ')[1]).ToList();
        Assert.Equal(3, ids.Count);

        var (listed, list) = Run("checkpoints", "list", "--store", store);
        Assert.True(listed == 0, string.Join('\n', list));
        Assert.All(ids, id => Assert.Contains(list, l => l.StartsWith(id)));

        var (shown, show) = Run("checkpoints", "show", ids[1], "--store", store);
        Assert.True(shown == 0, string.Join('\n', show));
        Assert.Contains(show, l => l.StartsWith($"id         {ids[1]}"));
        Assert.Contains(show, l => l.Contains("count") && l.Contains("int64"));

        Assert.Equal(0, Run("checkpoints", "delete", ids[0], "--store", store).Code);
        var (_, after) = Run("checkpoints", "list", "--store", store);
        Assert.DoesNotContain(after, l => l.StartsWith(ids[0]));
        Assert.Equal(1, Run("checkpoints", "show", ids[0], "--store", store).Code);
    }

    [Fact]
    public void Usage_errors_exit_2_and_failures_exit_1()
    {
        var store = TestStores.Create(TestStores.Sqlite);
        Assert.Equal(2, Run("checkpoints", "frobnicate", "--store", store).Code);
        Assert.Equal(2, Run("checkpoints", "list", "--colour", "blue").Code);
        Assert.Equal(2, Run("no-such-command").Code);
        Assert.Equal(0, Run("checkpoints", "--help").Code);
        Assert.Equal(1, Run("checkpoints", "show", "ckpt-none", "--store", store).Code);
        Assert.Equal(1, Run("checkpoints", "list", "--store", "Host=127.0.0.1;Port=1;Database=x;Username=y").Code);
    }
}
