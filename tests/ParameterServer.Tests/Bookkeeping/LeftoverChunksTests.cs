using ActorGraph.ParameterServer.Persistence;
using Xunit;

namespace ActorGraph.ParameterServer.Tests.Bookkeeping;

// Which chunked saves are leftovers, from their keys alone: no store.
public sealed class LeftoverChunksTests
{
    private static readonly HashSet<long> None = [];

    private static HashSet<long> Set(params long[] sequenceNrs) => [.. sequenceNrs];

    [Fact]
    public void Chunks_without_a_snapshot_row_or_a_catalog_entry_are_leftovers()
    {
        var leftovers = LeftoverChunks.Of([2, 3, 5, 7, 7], snapshots: Set(2, 5), listed: Set(2, 3), inProgress: None, upTo: 10);
        Assert.Equal([7L], leftovers);
    }

    [Fact]
    public void A_save_still_running_keeps_its_chunks()
    {
        Assert.Empty(LeftoverChunks.Of([4, 6], snapshots: None, listed: None, inProgress: Set(4, 6), upTo: 10));
        Assert.Equal([4L], LeftoverChunks.Of([4, 6], snapshots: None, listed: None, inProgress: Set(6), upTo: 10));
    }

    [Fact]
    public void A_save_that_started_after_the_look_keeps_its_chunks()
    {
        Assert.Equal([3L, 4L], LeftoverChunks.Of([4, 3, 5, 9], snapshots: None, listed: None, inProgress: None, upTo: 4));
    }
}
