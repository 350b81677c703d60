using ActorGraph.Ops;
namespace ActorGraph;

// tf.data's Dataset: an immutable description of a stream of elements (each a tuple of arrays).
// Nothing is read until an iterator runs; every iterator enumerates it afresh with its own IteratorRun.
public abstract class Dataset
{
    private protected Dataset(TensorSpec[] elementSpec) => ElementSpec = elementSpec;

    // One component per entry: its dtype and static shape (TensorFlow's output_types and output_shapes).
    public IReadOnlyList<TensorSpec> ElementSpec { get; }

    internal abstract IEnumerable<NDArray[]> Enumerate(IteratorRun run);

    internal abstract Wire.DatasetDef ToDef();

    public static Dataset FromTensorSlices(params NDArray[] components) => new SlicesDataset(components);

    public static Dataset FromIdxFiles(params string[] paths) => new IdxDataset(paths);

    public Dataset Shuffle(int bufferSize, int? seed = null) => new ShuffleDataset(this, bufferSize, seed);

    public Dataset Batch(int batchSize, bool dropRemainder = false) => new BatchDataset(this, batchSize, dropRemainder);

    public Dataset Repeat(int count = -1) => new RepeatDataset(this, count);

    public Dataset Shard(int numShards, int index) => new ShardDataset(this, numShards, index);

    public Dataset Take(int count) => new TakeDataset(this, count);

    public Dataset Skip(int count) => new SkipDataset(this, count);

    public Dataset Map(Func<Tensor[], Tensor[]> fn) => MapDataset.Trace(this, fn);

    public Dataset Prefetch(int bufferSize) => new PrefetchDataset(this, bufferSize);

    // A data-parallel replica's share: element i to replica i mod count, as Shard; a transformation that works
    // element by element (Map, Prefetch) takes the shard below itself, so it maps only the replica's elements.
    internal virtual Dataset ForReplica(int count, int index) => Shard(count, index);

    public DatasetIterator MakeOneShotIterator() => new(this, oneShot: true);

    public DatasetIterator MakeInitializableIterator() => new(this, oneShot: false);

    // -1 means "all" (or "forever") for Repeat, Take and Skip, as in TensorFlow.
    private protected static void CheckCount(int count, string what)
    {
        if (count < -1) throw new ArgumentException($"{what} must be -1 (all) or at least 0, not {count}.", nameof(count));
    }
}

// What one iterator (from its initializer on) keeps per transformation: shuffle generators, decoded files.
// Seed: where unseeded shuffles draw their seeds, in the order they start, so a replay repeats their order.
internal sealed class IteratorRun(int seed)
{
    private readonly Dictionary<Dataset, object> _state = new(ReferenceEqualityComparer.Instance);
    private readonly Random _seeds = new(seed);

    public IteratorRun() : this(Random.Shared.Next()) { }

    public int NextSeed()
    {
        lock (_seeds) return _seeds.Next();
    }

    public T StateOf<T>(Dataset owner, Func<T> create) where T : class
    {
        lock (_state)
        {
            if (!_state.TryGetValue(owner, out var value)) _state[owner] = value = create();
            return (T)value;
        }
    }
}
