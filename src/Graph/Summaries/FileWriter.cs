using System.Net;
using ActorGraph.Summaries;
using ActorGraph.Summaries.Proto;
using Google.Protobuf;

namespace ActorGraph;

// tf.summary.FileWriter: an event file TensorBoard reads (events.out.tfevents.<seconds>.<host> in logdir).
// Its first event names the format; then summaries with their step, and the graph.
public sealed class FileWriter : IDisposable
{
    public const string FileVersion = "brain.Event:2";

    private readonly object _lock = new();
    private readonly FileStream _stream;
    private readonly RecordWriter _records;
    private bool _disposed;

    public FileWriter(string logdir, Graph? graph = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logdir);
        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Path = System.IO.Path.Combine(logdir, $"events.out.tfevents.{seconds}.{HostName()}");
        try
        {
            Directory.CreateDirectory(logdir);
            // Readable while written: TensorBoard follows the file as it grows.
            _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write an event file in the log directory '{logdir}': {e.Message} Pass a directory you can write to.", e);
        }
        _records = new RecordWriter(_stream);
        Write(new Event { WallTime = WallTime(), FileVersion = FileVersion });
        Flush();
        if (graph is not null) AddGraph(graph);
    }

    // The event file this writer appends to.
    public string Path { get; }

    // summary: a scalar string tensor holding a serialized Summary, as Run returns from TF.Summary ops.
    public void AddSummary(NDArray summary, long globalStep)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (summary.DType != DType.String || summary.Length != 1)
            throw new ArgumentException($"AddSummary takes a scalar string tensor (a TF.Summary op's value), not {summary.DType.PythonName()} of shape {summary.Shape}.", nameof(summary));
        Summary parsed;
        try
        {
            parsed = Summary.Parser.ParseFrom(summary.StringData[0]);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ArgumentException($"The string is not a serialized Summary ({e.Message}); pass the value of a TF.Summary op.", nameof(summary), e);
        }
        Write(new Event { WallTime = WallTime(), Step = globalStep, Summary = parsed });
    }

    public void AddGraph(Graph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Write(new Event { WallTime = WallTime(), GraphDef = ByteString.CopyFrom(GraphDefs.Serialize(graph)) });
        Flush();
    }

    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _records.Flush();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _stream.Dispose();
        }
    }

    private void Write(Event e)
    {
        var bytes = e.ToByteArray();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _records.Write(bytes);
        }
    }

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static string HostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return "localhost";
        }
    }
}
