namespace ActorGraph.ParameterServer;

// The version of each variable of a shard, for the copies readers on other nodes hold (CopyHolders). Drawn from a
// counter that starts at random for each incarnation of the shard, so a version from before a restart or a takeover
// never matches one after it; 0 is never a version (it says "none" on the wire).
internal sealed class VariableVersions(long start, long epoch)
{
    private readonly Dictionary<string, long> _written = new(StringComparer.Ordinal);
    private long _counter = start;
    // The version of every variable not written since the shard began (or since the last restore).
    private long _epoch = epoch;

    public VariableVersions() : this(Random.Shared.NextInt64(1L << 40, 1L << 62), Random.Shared.NextInt64(1L << 40, 1L << 62))
    {
    }

    public long Of(string name) => _written.TryGetValue(name, out long v) ? v : _epoch;

    public void Written(string name) => _written[name] = ++_counter;

    // A restore replaced every value: nothing held is current.
    public void AllWritten()
    {
        _written.Clear();
        _epoch = ++_counter;
    }
}
