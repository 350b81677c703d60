namespace ActorGraph.Execution;

// One replica's share of a dataset under data parallelism: element i of the iterator goes to replica i mod Count.
public sealed record IteratorShard(int Count, int Index);
