using Xunit;

namespace ActorGraph.ParameterServer.Tests.Bookkeeping;

public sealed class VariableVersionsTests
{
    [Fact]
    public void A_variable_not_written_has_the_version_of_the_start()
    {
        var versions = new VariableVersions(start: 100, epoch: 7);
        Assert.Equal((7L, 7L), (versions.Of("w"), versions.Of("b")));
    }

    [Fact]
    public void A_write_gives_the_variable_a_version_never_seen_before()
    {
        var versions = new VariableVersions(start: 100, epoch: 7);
        versions.Written("w");
        long first = versions.Of("w");
        versions.Written("w");
        Assert.NotEqual(first, versions.Of("w"));
        Assert.NotEqual(7, first);
        Assert.Equal(7, versions.Of("b"));
    }

    [Fact]
    public void A_restore_makes_every_version_new_written_or_not()
    {
        var versions = new VariableVersions(start: 100, epoch: 7);
        versions.Written("w");
        long w = versions.Of("w");
        versions.AllWritten();
        Assert.NotEqual(w, versions.Of("w"));
        Assert.NotEqual(7, versions.Of("b"));
        Assert.Equal(versions.Of("w"), versions.Of("b"));
    }

    [Fact]
    public void Two_incarnations_of_a_shard_start_from_different_versions()
    {
        Assert.NotEqual(new VariableVersions().Of("w"), new VariableVersions().Of("w"));
    }
}
