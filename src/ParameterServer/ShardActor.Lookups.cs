namespace ActorGraph.ParameterServer;

// Row lookups served where the table lives, and the count of tensor bytes in and out of the shard.
public sealed partial class ShardActor
{
    private readonly ShardTraffic _traffic = new();

    private void Handle(LookupRows command) => Guarded(command.StepId, () =>
    {
        _traffic.ReceivedIds(command.Ids);
        var reply = _state.Lookup(command);
        if (reply is RowsLookedUp) Reply(Sender, reply);
        else Sender.Tell(reply, Self);
    });
}
