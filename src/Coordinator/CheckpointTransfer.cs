using ActorGraph.Messaging.Channel;
using ActorGraph.Coordinator.Steps;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// One cluster checkpoint's exchange with the shards: a command to each, every answer gathered, then one
// reply to the client; a shard that fails, leaves or does not answer in time fails the whole of it.
internal sealed class CheckpointTransfer : ReceiveActor, IWithTimers
{
    private readonly IActorRef _client;
    private readonly string _what;
    private readonly Dictionary<int, IActorRef> _waiting;
    private readonly Func<IReadOnlyList<IShardReply>, ICoordinatorReply> _done;
    private readonly List<IShardReply> _replies = [];

    public CheckpointTransfer(IActorRef client, string what, IReadOnlyList<(int Shard, IActorRef Ref, IShardCommand Command)> requests,
        Func<IReadOnlyList<IShardReply>, ICoordinatorReply> done, TimeSpan timeout)
    {
        _client = client;
        _what = what;
        _done = done;
        _waiting = requests.ToDictionary(r => r.Shard, r => r.Ref);
        var bulk = BulkChannel.Get(Context.System);
        foreach (var (_, shard, command) in requests)
            if (command is IBulkMessage large) bulk.Tell(shard, large, Self);
            else shard.Tell(command, Self);
        Receive<ShardRequestFailed>(f => Fail(ErrorCodes.Of(f.ToException()), f.Message));
        Receive<ShardLeft>(l => { if (_waiting.ContainsKey(l.Shard)) Fail(ErrorCodes.Unavailable, l.Reason); });
        Receive<TransferTimedOut>(_ => Fail(ErrorCodes.DeadlineExceeded,
            $"parameter server(s) {string.Join(", ", _waiting.Keys.Order().Select(Placement.PsDevice))} did not answer within {timeout.TotalSeconds:0} s."));
        Receive<IShardReply>(Gathered);
        ReceiveAny(_ => { });
        if (_waiting.Count == 0) Finish();
        else Timers.StartSingleTimer("deadline", new TransferTimedOut(), timeout);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef client, string what, IReadOnlyList<(int Shard, IActorRef Ref, IShardCommand Command)> requests,
        Func<IReadOnlyList<IShardReply>, ICoordinatorReply> done, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new CheckpointTransfer(client, what, requests, done, timeout));

    private void Gathered(IShardReply reply)
    {
        int? shard = reply switch
        {
            ShardVariablesCopied copied => copied.Snapshot.Task,
            ShardRestored restored => restored.Task,
            _ => null,
        };
        if (shard is not { } task || !_waiting.Remove(task)) return;
        _replies.Add(reply);
        if (_waiting.Count == 0) Finish();
    }

    private void Finish()
    {
        ICoordinatorReply answer;
        try
        {
            answer = _done(_replies);
        }
        catch (Exception e)
        {
            Fail(ErrorCodes.Of(e), e.Message);
            return;
        }
        if (answer is IBulkMessage large) BulkChannel.Get(Context.System).Tell(_client, large, Context.Parent);
        else _client.Tell(answer, Context.Parent);
        Context.Stop(Self);
    }

    private void Fail(string code, string reason)
    {
        _client.Tell(new StepFailed(0, code, $"{_what} failed: {reason}", null), Context.Parent);
        Context.Stop(Self);
    }

    private sealed record TransferTimedOut : INoSerializationVerificationNeeded;
}
