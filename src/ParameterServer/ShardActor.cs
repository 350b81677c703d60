using Akka.Actor;
using Akka.Event;

namespace ActorGraph.ParameterServer;

// One parameter-server task: a thin actor over ShardState. The mailbox hands it one command at a
// time, in arrival order, which is what makes each update atomic. A crash loses the variables: the
// supervisor's restart starts from ShardState.Lost, whose errors say so, until checkpoints land.
public sealed class ShardActor : ReceiveActor
{
    private readonly int _task;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ShardState _state;

    public ShardActor(int task)
    {
        _task = task;
        _state = ShardState.Empty(task);
        Receive<ReadVariables>(Handle);
        Receive<ApplyUpdates>(Handle);
        Receive<GetShardStatus>(Handle);
        Receive<CrashShard>(Handle);
    }

    public static Props Props(int task) => Akka.Actor.Props.Create(() => new ShardActor(task));

    private void Handle(ReadVariables command) =>
        Guarded(command.StepId, () => Sender.Tell(_state.Read(command)));

    private void Handle(ApplyUpdates command) => Guarded(command.StepId, () =>
    {
        var decision = _state.Decide(command);
        if (decision.Rejection is { } rejection)
        {
            Sender.Tell(rejection);
            return;
        }
        var values = new NDArray[decision.Events.Count];
        for (int i = 0; i < values.Length; i++)
        {
            var applied = (UpdateApplied)decision.Events[i];
            _state = _state.Apply(applied);
            // After each update, not at the end: a batch may update the same variable twice.
            values[i] = _state.CopyOf(applied.Update.Variable);
        }
        Sender.Tell(new UpdatesApplied(command.StepId, values));
    });

    private void Handle(GetShardStatus _) =>
        Sender.Tell(new ShardStatus(_task, _state.Restarted, [.. _state.Variables.Keys.Order(StringComparer.Ordinal)]));

    private void Handle(CrashShard command) =>
        Guarded(command.StepId, () => throw new SimulatedFaultException($"{_state.Device}: {command.Reason}"));

    // A crash mid-command still answers its step, so the sender fails fast instead of timing out.
    private void Guarded(long stepId, Action handle)
    {
        try
        {
            handle();
        }
        catch (Exception e)
        {
            Sender.Tell(new ShardRequestFailed(stepId, ShardErrorCodes.Aborted,
                $"Parameter server {_state.Device} failed during step {stepId} and is restarting: {e.Message}"));
            throw;
        }
    }

    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        _state = ShardState.Lost(_task);
        _log.Warning("Parameter server {0} restarted after {1}: {2}; its variables are uninitialized", _state.Device, reason.GetType().Name, reason.Message);
        Context.System.EventStream.Publish(new ShardRestarted(_task, reason.Message));
    }
}

// Thrown on CrashShard: a fault a simulation asked for, told apart from real ones in logs.
public sealed class SimulatedFaultException(string message) : Exception(message);
