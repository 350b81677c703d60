using MessagePack;

namespace ActorGraph.Execution;

// Where an iterator stands, as a checkpoint keeps it: the elements taken since it (re)started and the seed
// its unseeded shuffles drew from. Restoring replays that many elements of the same pipeline, so the next
// one is the element an uninterrupted run would take, in the same shuffle order. Worker: the task that runs it.
[MessagePackObject]
public sealed record IteratorPosition(
    [property: Key(0)] string Iterator,
    [property: Key(1)] long Consumed,
    [property: Key(2)] int Seed,
    [property: Key(3)] bool Exhausted,
    [property: Key(4)] int Worker = 0);
