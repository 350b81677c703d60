using ActorGraph.Ops;
using Xunit;

namespace ActorGraph.GraphTests.Ops;

// The id → slot map a lookup's routing keeps between steps: each batch starts empty without being cleared, ids that
// collide in the table still get slots of their own, and a batch with more distinct ids than expected grows it.
public class IdSlotMapTests
{
    [Fact]
    public void Each_distinct_id_gets_the_slot_of_its_first_time_and_a_new_batch_forgets_the_last()
    {
        var map = new IdSlotMap();
        var random = new Random(3);
        for (int batch = 0; batch < 5; batch++)
        {
            var ids = Enumerable.Range(0, 2000).Select(_ => (long)random.Next(500) * 1024 + batch).ToArray();
            map.Start(ids.Length);
            var expected = new Dictionary<long, int>();
            foreach (long id in ids)
            {
                ref int slot = ref map.SlotOf(id, out bool seen);
                Assert.Equal(expected.ContainsKey(id), seen);
                if (!seen) slot = expected[id] = expected.Count;
                Assert.Equal(expected[id], slot);
            }
        }
    }

    [Fact]
    public void More_distinct_ids_than_expected_grow_the_table_and_keep_every_slot()
    {
        var map = new IdSlotMap();
        map.Start(4);
        map.SlotOf(1, out _) = 0;
        map.Start(4);
        for (long id = 0; id < 10_000; id++)
        {
            ref int slot = ref map.SlotOf(-id, out bool seen);
            Assert.False(seen);
            slot = (int)id;
        }
        for (long id = 0; id < 10_000; id++)
        {
            Assert.Equal((int)id, map.SlotOf(-id, out bool again));
            Assert.True(again);
        }
        map.SlotOf(1, out bool fromTheBatchBefore);
        Assert.False(fromTheBatchBefore);
    }
}
