using System.Collections.Concurrent;
using ActorGraph.Ops;

namespace ActorGraph;

// A fixed-size buffer filled from the input; each element out is drawn uniformly from it, as TensorFlow's
// shuffle. The generator lives for the iterator's run, so each repetition draws a new order.
internal sealed class ShuffleDataset : Dataset
{
    private readonly Dataset _input;
    private readonly int _bufferSize;
    private readonly int? _seed;

    public ShuffleDataset(Dataset input, int bufferSize, int? seed) : base([.. input.ElementSpec])
    {
        if (bufferSize < 1) throw new ArgumentException($"Shuffle's buffer size must be at least 1, not {bufferSize}.", nameof(bufferSize));
        (_input, _bufferSize, _seed) = (input, bufferSize, seed);
    }

    internal override Wire.DatasetDef ToDef() => new("Shuffle", _input.ToDef(), Ints: [_bufferSize, _seed is null ? 0 : 1, _seed ?? 0]);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run)
    {
        var rng = run.StateOf(this, () => new Random(_seed ?? run.NextSeed()));
        var buffer = new List<NDArray[]>(Math.Min(_bufferSize, 1 << 16));
        foreach (var element in _input.Enumerate(run))
        {
            buffer.Add(element);
            if (buffer.Count == _bufferSize) yield return TakeAt(buffer, rng.Next(buffer.Count));
        }
        while (buffer.Count > 0) yield return TakeAt(buffer, rng.Next(buffer.Count));
    }

    private static NDArray[] TakeAt(List<NDArray[]> buffer, int i)
    {
        var chosen = buffer[i];
        buffer[i] = buffer[^1];
        buffer.RemoveAt(buffer.Count - 1);
        return chosen;
    }
}

internal sealed class BatchDataset : Dataset
{
    private readonly Dataset _input;
    private readonly int _batchSize;
    private readonly bool _dropRemainder;

    public BatchDataset(Dataset input, int batchSize, bool dropRemainder) : base(SpecsOf(input, batchSize, dropRemainder)) =>
        (_input, _batchSize, _dropRemainder) = (input, batchSize, dropRemainder);

    // The batch dimension is unknown unless every batch is full.
    private static TensorSpec[] SpecsOf(Dataset input, int batchSize, bool dropRemainder)
    {
        if (batchSize < 1) throw new ArgumentException($"Batch size must be at least 1, not {batchSize}.", nameof(batchSize));
        return input.ElementSpec.Select(s => new TensorSpec(s.DType,
            s.Shape.IsUnknownRank ? Shape.Unknown : new Shape([dropRemainder ? batchSize : -1, .. s.Shape.ToArray()]))).ToArray();
    }

    internal override Wire.DatasetDef ToDef() => new("Batch", _input.ToDef(), Ints: [_batchSize, _dropRemainder ? 1 : 0]);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run)
    {
        var pending = new List<NDArray[]>(_batchSize);
        foreach (var element in _input.Enumerate(run))
        {
            pending.Add(element);
            if (pending.Count == _batchSize)
            {
                yield return Stack(pending);
                pending.Clear();
            }
        }
        if (pending.Count > 0 && !_dropRemainder) yield return Stack(pending);
    }

    private static NDArray[] Stack(List<NDArray[]> elements) =>
        Enumerable.Range(0, elements[0].Length).Select(c => Rows.Stack(elements.Select(e => e[c]).ToArray())).ToArray();
}

internal sealed class RepeatDataset : Dataset
{
    private readonly Dataset _input;
    private readonly int _count;

    public RepeatDataset(Dataset input, int count) : base([.. input.ElementSpec])
    {
        CheckCount(count, "Repeat's count");
        (_input, _count) = (input, count);
    }

    internal override Wire.DatasetDef ToDef() => new("Repeat", _input.ToDef(), Ints: [_count]);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run)
    {
        for (int epoch = 0; _count < 0 || epoch < _count; epoch++)
        {
            bool any = false;
            foreach (var element in _input.Enumerate(run))
            {
                any = true;
                yield return element;
            }
            // An empty input repeated forever is still empty, not an endless loop.
            if (!any) yield break;
        }
    }
}

internal sealed class ShardDataset : Dataset
{
    private readonly Dataset _input;
    private readonly int _numShards, _index;

    public ShardDataset(Dataset input, int numShards, int index) : base([.. input.ElementSpec])
    {
        if (numShards < 1) throw new ArgumentException($"Shard needs at least 1 shard, not {numShards}.", nameof(numShards));
        if (index < 0 || index >= numShards) throw new ArgumentException($"Shard index {index} is out of range for {numShards} shards; it goes from 0 to {numShards - 1}.", nameof(index));
        (_input, _numShards, _index) = (input, numShards, index);
    }

    internal override Wire.DatasetDef ToDef() => new("Shard", _input.ToDef(), Ints: [_numShards, _index]);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run) =>
        _input.Enumerate(run).Where((_, i) => i % _numShards == _index);
}

internal sealed class TakeDataset : Dataset
{
    private readonly Dataset _input;
    private readonly int _count;

    public TakeDataset(Dataset input, int count) : base([.. input.ElementSpec])
    {
        CheckCount(count, "Take's count");
        (_input, _count) = (input, count);
    }

    internal override Wire.DatasetDef ToDef() => new("Take", _input.ToDef(), Ints: [_count]);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run) =>
        _count < 0 ? _input.Enumerate(run) : _input.Enumerate(run).Take(_count);
}

internal sealed class SkipDataset : Dataset
{
    private readonly Dataset _input;
    private readonly int _count;

    public SkipDataset(Dataset input, int count) : base([.. input.ElementSpec])
    {
        CheckCount(count, "Skip's count");
        (_input, _count) = (input, count);
    }

    internal override Wire.DatasetDef ToDef() => new("Skip", _input.ToDef(), Ints: [_count]);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run) =>
        _count < 0 ? [] : _input.Enumerate(run).Skip(_count);
}

// Produces up to bufferSize elements ahead on a thread of its own, so that reading and mapping overlap the step.
internal sealed class PrefetchDataset : Dataset
{
    private readonly Dataset _input;
    private readonly int _bufferSize;

    public PrefetchDataset(Dataset input, int bufferSize) : base([.. input.ElementSpec])
    {
        if (bufferSize < 1) throw new ArgumentException($"Prefetch's buffer size must be at least 1, not {bufferSize}.", nameof(bufferSize));
        (_input, _bufferSize) = (input, bufferSize);
    }

    private sealed record Item(NDArray[]? Element, Exception? Error);

    internal override Wire.DatasetDef ToDef() => new("Prefetch", _input.ToDef(), Ints: [_bufferSize]);

    internal override Dataset ForReplica(int count, int index) => new PrefetchDataset(_input.ForReplica(count, index), _bufferSize);

    internal override IEnumerable<NDArray[]> Enumerate(IteratorRun run)
    {
        using var queue = new BlockingCollection<Item>(_bufferSize);
        using var stop = new CancellationTokenSource();
        var producer = new Thread(() => Produce(run, queue, stop.Token)) { IsBackground = true, Name = "dataset prefetch" };
        producer.Start();
        try
        {
            foreach (var item in queue.GetConsumingEnumerable())
            {
                if (item.Error is not null) throw item.Error;
                yield return item.Element!;
            }
        }
        finally
        {
            stop.Cancel();
            producer.Join();
        }
    }

    private void Produce(IteratorRun run, BlockingCollection<Item> queue, CancellationToken stop)
    {
        try
        {
            foreach (var element in _input.Enumerate(run)) queue.Add(new Item(element, null), stop);
        }
        catch (OperationCanceledException) { return; }
        catch (Exception e)
        {
            try { queue.Add(new Item(null, e), stop); }
            catch (OperationCanceledException) { return; }
        }
        queue.CompleteAdding();
    }
}
