namespace ActorGraph.Wire;

// Large tensors that travel beside a message's MessagePack bytes instead of inside them: within a Collect
// scope the NDArray formatter writes a tensor's index where its bytes would go and hands the tensor to the
// scope; the tensor channel then writes its bytes straight from the array to the socket, and the receiver
// reads them straight into the array its Resolve scope gives back. Inside the payload each ~1 MB tensor would be
// copied twice more: into the payload on one side, out of it on the other.
//
// Thread-static: a scope covers one Serialize or Deserialize call on the thread that runs it.
public static class OutOfBandTensors
{
    // Below this a tensor is copied into the payload: cheaper than a frame entry of its own.
    public const int MinBytes = 64 * 1024;

    [ThreadStatic] private static List<NDArray>? t_collected;
    [ThreadStatic] private static Resolution? t_resolution;

    public static Scope Collect(List<NDArray> into)
    {
        var previous = t_collected;
        t_collected = into;
        return new Scope(() => t_collected = previous);
    }

    // tensors: what came beside the payload, in the order Collect gave them. Each must be used exactly once
    // (Scope.Complete checks): a frame that names one twice, or brings one nothing names, is malformed.
    public static Scope Resolve(IReadOnlyList<NDArray?> tensors)
    {
        var previous = t_resolution;
        var resolution = t_resolution = new Resolution(tensors);
        return new Scope(() => t_resolution = previous, resolution);
    }

    internal static bool TryCollect(NDArray value, out int index)
    {
        index = -1;
        if (t_collected is not { } collected || value.DType == DType.String || (long)value.Length * value.DType.SizeInBytes() < MinBytes) return false;
        index = collected.Count;
        collected.Add(value);
        return true;
    }

    internal static NDArray Take(int index) =>
        t_resolution?.Take(index) ?? throw new MessagePack.MessagePackSerializationException(
            "Malformed NDArray: it refers to a tensor beside the message, and none came with it.");

    public readonly struct Scope : IDisposable
    {
        private readonly Action _end;
        private readonly Resolution? _resolution;

        internal Scope(Action end, Resolution? resolution = null) => (_end, _resolution) = (end, resolution);

        // After Deserialize: every tensor that came was used.
        public void Complete() => _resolution?.Complete();

        // A default Scope (no scope opened) ends nothing.
        public void Dispose() => _end?.Invoke();
    }

    internal sealed class Resolution(IReadOnlyList<NDArray?> tensors)
    {
        private readonly bool[] _taken = new bool[tensors.Count];

        public NDArray Take(int index)
        {
            if (index < 0 || index >= tensors.Count) throw Malformed($"it refers to tensor {index} of {tensors.Count} beside the message");
            if (_taken[index]) throw Malformed($"tensor {index} beside the message is referred to twice");
            _taken[index] = true;
            return tensors[index] ?? throw Malformed($"tensor {index} beside the message is missing");
        }

        public void Complete()
        {
            int unused = Array.IndexOf(_taken, false);
            if (unused >= 0) throw Malformed($"tensor {unused} beside the message is not referred to");
        }

        private static MessagePack.MessagePackSerializationException Malformed(string why) => new($"Malformed message: {why}.");
    }
}
