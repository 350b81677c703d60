using System.Collections.Concurrent;
using System.Net;
using ActorGraph.Messaging;
using ActorGraph.Transport;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Event;

namespace ActorGraph.Messaging.Channel;

// A node's tensor channel for its actors' large messages: a listener (on cluster nodes) that hands
// each frame's message to its target actor, and senders to the other nodes' listeners, found by
// asking each node's /user/node once. Every such message to a node whose channel is up takes it,
// whatever its size, so that they keep their order; one goes through Akka.Remote instead when its
// target is local, the peer has no channel (yet), or the channel failed: the channel is a faster
// path, never the only one. Frames are authenticated by the cluster's secret (TransportOptions).
public sealed class BulkChannel : IExtension, ITensorSink
{
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<Address, Task<TensorSender?>> _senders = new();
    private TransportOptions? _options;
    private readonly ConcurrentDictionary<Type, int> _lastSize = new();
    private TensorListener? _listener;

    public BulkChannel(ExtendedActorSystem system)
    {
        _system = system;
        system.RegisterOnTermination(() => _ = CloseAsync());
    }

    public static BulkChannel Get(ActorSystem system) => system.WithExtension<BulkChannel, BulkChannelProvider>();

    public IPEndPoint? Endpoint => _listener?.EndPoint;

    // Messages this node received on its channel: for tests and diagnostics.
    public long MessagesReceived => Interlocked.Read(ref _received);
    // The bytes of the messages received, tensors beside the payload included.
    public long PayloadBytesReceived => Interlocked.Read(ref _receivedBytes);
    private long _received, _receivedBytes;
    public bool Enabled => _options is not null;

    // Listen (on the options' address: a cluster node, or a client for its steps' answers) and send; listen = false: send only.
    public void Start(TransportOptions options, bool listen)
    {
        _options = options;
        if (listen) _listener = TensorListener.Start(options, this);
    }

    // snapshot: the message holds arrays that change once this returns (a shard's live variables), so it is
    // serialized now whichever way it goes; remoting, which serializes later, gets a copy made from those bytes.
    public void Tell(IActorRef target, IBulkMessage message, IActorRef sender, bool snapshot = false)
    {
        if (_options is null || IsInProcess(target) || SenderFor(target.Path.Address) is not { IsCompletedSuccessfully: true, Result: { IsClosed: false } channel })
        {
            target.Tell(snapshot ? Snapshot(message) : message, sender);
            return;
        }
        // A snapshot's large arrays may go beside the payload only through the shared-memory lane, copied
        // there before this returns (TrySendCopied), and only for a message whose loss costs only time (it
        // cannot be rebuilt for remoting if the channel then fails); else inside the payload.
        if (snapshot && message is IBestEffort && channel.UsesSharedMemory && Send(channel, target, message, sender, snapshot, copiedNow: true)) return;
        Send(channel, target, message, sender, snapshot, copiedNow: false);
    }

    // False only when copiedNow could not be had; nothing was sent then.
    private bool Send(TensorSender channel, IActorRef target, IBulkMessage message, IActorRef sender, bool snapshot, bool copiedNow)
    {
        var type = message.GetType();
        var payload = new PayloadBuffer((message as ISerializedSizeHint)?.SerializedSizeHint ?? _lastSize.GetValueOrDefault(type));
        ValueTask sent;
        try
        {
            var aside = copiedNow || message is IStableTensors && !snapshot ? new List<NDArray>() : null;
            using (aside is null ? default : OutOfBandTensors.Collect(aside)) ActorGraphSerializer.Serialize(message, payload);
            // A step's messages of a type are mostly the same size: the next one's buffer is rented that large at once.
            _lastSize[type] = payload.Length;
            var self = _system.Provider.DefaultAddress;
            var header = ActorGraphSerializer.Serialize(new BulkHeader(target.Path.ToSerializationFormat(),
                sender.IsNobody() ? "" : sender.Path.ToSerializationFormatWithAddress(self), MessageTypes.ManifestOf(type), payload.Length));
            NDArray[] entries = [Pack(header), payload.ToTensor(), .. aside ?? []];
            if (!copiedNow) sent = channel.SendAsync(0, EntryEdges(entries.Length), entries);
            else if (!channel.TrySendCopied(0, EntryEdges(entries.Length), entries, out sent))
            {
                payload.Return();
                return false;
            }
        }
        catch (Exception)
        {
            payload.Return();
            target.Tell(snapshot ? Snapshot(message) : message, sender);
            return true;
        }
        if (sent.IsCompletedSuccessfully) payload.Return();
        else _ = Finish(sent, payload, copiedNow ? null : target, message, sender, snapshot);
        return true;
    }

    // A frame's entries are numbered 0 (header), 1 (payload), 2… (tensors beside it): the same few arrays every time.
    private static readonly int[]?[] Edges = new int[]?[16];

    private static int[] EntryEdges(int count) =>
        count < Edges.Length ? Edges[count] ??= [.. Enumerable.Range(0, count)] : [.. Enumerable.Range(0, count)];

    // An actor of this ActorSystem: what it is told is never serialized (see ShardProtocol on lent arrays).
    public bool IsInProcess(IActorRef actor) =>
        actor.Path.Address.HasLocalScope || actor.Path.Address.Equals(_system.Provider.DefaultAddress);

    // Whether a Tell to target now goes on the channel, serialized before it returns.
    public bool SerializesNow(IActorRef target) =>
        _options is not null && !IsInProcess(target) && SenderFor(target.Path.Address) is { IsCompletedSuccessfully: true, Result.IsClosed: false };

    private static IBulkMessage Snapshot(IBulkMessage message) =>
        (IBulkMessage)ActorGraphSerializer.Deserialize(ActorGraphSerializer.Serialize(message), MessageTypes.ManifestOf(message.GetType()));

    // A frame that could not be written goes by Akka.Remote after all. The payload's array goes back
    // to the pool once the socket has its bytes (or never will).
    // target null: a best-effort message whose tensors went into the lane, dropped if the frame cannot follow.
    private static async Task Finish(ValueTask sent, PayloadBuffer payload, IActorRef? target, IBulkMessage message, IActorRef sender, bool snapshot)
    {
        try
        {
            await sent.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A snapshot's arrays have changed since: its payload still holds them as they were.
            target?.Tell(snapshot ? ActorGraphSerializer.Deserialize(PayloadBuffer.BytesOf(payload.ToTensor(), payload.Length), MessageTypes.ManifestOf(message.GetType())) : message, sender);
        }
        finally
        {
            payload.Return();
        }
    }

    // Opens the channel to a node now (a client before its first step, so its steps keep their order).
    public bool Connect(Address node, TimeSpan timeout)
    {
        if (_options is null) return false;
        var task = SenderFor(node);
        return task.Wait(timeout) && task.Result is { IsClosed: false };
    }

    private Task<TensorSender?> SenderFor(Address node)
    {
        var task = _senders.GetOrAdd(node, Connect);
        // A closed channel is replaced at the next send after this one.
        if (task is { IsCompletedSuccessfully: true, Result.IsClosed: true }) _senders.TryRemove(new(node, task));
        return task;
    }

    private async Task<TensorSender?> Connect(Address node)
    {
        try
        {
            var endpoint = await _system.ActorSelection(new RootActorPath(node) / "user" / "node")
                .Ask<TensorEndpoint>(new GetTensorEndpoint(), TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            if (endpoint.Host.Length == 0) return null;
            var ip = IPAddress.TryParse(endpoint.Host, out var parsed) ? parsed : (await Dns.GetHostAddressesAsync(endpoint.Host).ConfigureAwait(false))[0];
            return await TensorSender.ConnectAsync(new IPEndPoint(ip, endpoint.Port), _options!).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _system.Log.Warning("No tensor channel to {0} ({1}); its large messages go through Akka.Remote", node, e.Message);
            return null;
        }
    }

    // Bytes as an int32 tensor (the channel carries tensors); the header says how many are payload.
    private static NDArray Pack(byte[] bytes)
    {
        var ints = new int[(bytes.Length + 3) / 4];
        Buffer.BlockCopy(bytes, 0, ints, 0, bytes.Length);
        return NDArray.FromArray(ints, new Shape(ints.Length));
    }

    // True while this thread hands a received message to its actor: the thread is one connection's receive loop,
    // which waits for nothing else meanwhile, so an actor may run on it (a node's InlineDispatcher.OnChannelPath).
    [ThreadStatic] private static bool t_delivering;
    public static bool IsDelivering => t_delivering;

    public void Received(Peer from, TensorFrame frame)
    {
        BulkHeader? parsed = null;
        try
        {
            if (frame.Values is not [{ } headerArray, { } payloadArray, ..]) throw new InvalidDataException("a bulk frame holds a header and a payload.");
            var headerBytes = headerArray.Bytes.ToArray();
            if (ActorGraphSerializer.Deserialize(headerBytes, nameof(BulkHeader)) is not BulkHeader header)
                throw new InvalidDataException("the frame's header is not a BulkHeader.");
            parsed = header;
            if (header.Length < 0 || header.Length > payloadArray.Bytes.Length) throw new InvalidDataException($"a payload of {header.Length} bytes in {payloadArray.Bytes.Length}.");
            object message;
            try
            {
                // Deserializing copies every value out of the payload, whose array then serves the next frame.
                if (frame.Values.Length == 2) message = ActorGraphSerializer.Deserialize(PayloadBuffer.BytesOf(payloadArray, header.Length), header.Manifest);
                else
                {
                    using var aside = OutOfBandTensors.Resolve(frame.Values[2..]);
                    message = ActorGraphSerializer.Deserialize(PayloadBuffer.BytesOf(payloadArray, header.Length), header.Manifest);
                    aside.Complete();
                }
            }
            finally
            {
                if (PayloadBuffer.IsPooled(payloadArray.Shape)) PayloadBuffer.Return(payloadArray);
            }
            if (message is not IBulkMessage) throw new InvalidDataException($"{header.Manifest} does not travel on the tensor channel.");
            var target = _system.Provider.ResolveActorRef(header.Target);
            var sender = header.Sender.Length == 0 ? ActorRefs.NoSender : _system.Provider.ResolveActorRef(header.Sender);
            // Counted before the actor may act on it: whoever the step answers then sees it counted.
            Interlocked.Increment(ref _received);
            long bytes = header.Length;
            for (int i = 2; i < frame.Values.Length; i++) bytes += frame.Values[i] is { } v ? (long)v.Length * v.DType.SizeInBytes() : 0;
            Interlocked.Add(ref _receivedBytes, bytes);
            t_delivering = true;
            try
            {
                target.Tell(message, sender);
            }
            finally
            {
                t_delivering = false;
            }
        }
        catch (Exception e)
        {
            _system.Log.Error(e, "Dropped a frame from {0}: {1}", from, e.Message);
            TellRefused(parsed, e);
        }
    }

    private void TellRefused(BulkHeader? header, Exception e)
    {
        if (header is not { Sender.Length: > 0 }) return;
        try
        {
            _system.Provider.ResolveActorRef(header.Sender).Tell(new FrameRefused(header.Manifest, e.Message));
        }
        catch (Exception)
        {
            // The sender's path itself is unreadable: the log above is all there is.
        }
    }

    // A bulk frame's payload (its second entry) is received into a pooled array; the tensors beside it (OutOfBandTensors)
    // into arrays the message then holds, from the pool Recycle fills.
    public NDArray? Destination(Peer from, long stepId, int edge, DType dtype, Shape shape)
    {
        if (edge == 1) return dtype == DType.Int32 && shape.Rank == 1 && PayloadBuffer.IsPooled(shape) ? PayloadBuffer.Rent(shape) : null;
        var value = _receivePool.Rent(dtype, shape);
        value.OwnedBy(_pooled);
        return value;
    }

    // The tensors beside received messages, returned by whoever held them last (a shard, once it applied a remote
    // worker's gradients): the next ones are received into them. A reused array is warm in the cache, where a fresh
    // ~1 MB one each step is new memory the copy out of the lane has to fault in (the ps's profile: ~5% of its CPU
    // in page faults, its copies ~4.6 GB/s). Only arrays this channel gave out are taken (their owner is _pooled), others
    // are left alone; of those it gave out, the caller must hold the only reference.
    public void Recycle(NDArray? array)
    {
        if (array is not null && _pooled.TakeBack(array)) _receivePool.Return(array);
    }

    private readonly TensorPool _receivePool = new(maxRetainedBytes: 64L << 20);
    // The mark of the arrays _receivePool gave out, so that only those go back to it.
    private readonly PooledBuffer _pooled = new();

    public void Disconnected(Peer peer, Exception? error)
    {
        if (error is not null) _system.Log.Info("Tensor channel from {0} closed: {1}", peer, error.Message);
    }

    private async Task CloseAsync()
    {
        if (_listener is not null) await _listener.DisposeAsync().ConfigureAwait(false);
        foreach (var task in _senders.Values)
            if (task.IsCompletedSuccessfully && task.Result is { } sender) await sender.DisposeAsync().ConfigureAwait(false);
    }
}

public sealed class BulkChannelProvider : ExtensionIdProvider<BulkChannel>
{
    public override BulkChannel CreateExtension(ExtendedActorSystem system) => new(system);
}
