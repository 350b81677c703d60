using ActorGraph.Messaging.Channel;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;
using Akka.Event;

namespace ActorGraph.Worker;

// Runs its share of each step with the Graph executor. Partitions are registered once; per step
// it waits for its feeds (RunPartition), the variable values its shards push, and the tensors
// other workers send, runs its stages, sends updates to the shards batched, and replies once.
// The steps are state (WorkerSteps, WorkerStep): this actor hands them what arrives and sends what they ask.
public sealed partial class WorkerActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(5);

    private int _task;
    private readonly Dictionary<long, PartitionProgram> _programs = [];
    private readonly Dictionary<long, string> _brokenPrograms = [];
    private readonly Dictionary<long, List<(RunPartition Run, IActorRef Sender)>> _awaitingPlan = [];
    private readonly HashSet<long> _waitedFor = [];
    private readonly BulkChannel _bulk = BulkChannel.Get(Context.System);
    private readonly HeldCopies _held = new();
    private readonly StepOutbox _outbox = new();
    private readonly WorkerSteps _steps;
    private readonly Execution.IteratorStore _iterators = new();

    public WorkerActor(int task)
    {
        _task = task;
        _steps = new WorkerSteps(_held, new Surroundings(this), _outbox);
        Receive<RegisterPartition>(Handle);
        Receive<RunPartition>(Handle);
        Receive<VariablesRead>(Handle);
        Receive<VariablesPushed>(m =>
        {
            for (int i = 0; i < m.Names.Length && i < m.Values.Length && i < m.Versions.Length; i++) _held.Keep(Sender, m.Names[i], m.Versions[i], m.Values[i]);
        });
        Receive<UpdatesReplayed>(m =>
        {
            for (int i = 0; i < m.Names.Length && i < m.Bases.Length && i < m.Versions.Length; i++) _held.Confirm(Sender, m.Names[i], m.Bases[i], m.Versions[i]);
        });
        Receive<TensorsSent>(Handle);
        Receive<UpdatesApplied>(Handle);
        Receive<RowsLookedUp>(Handle);
        Receive<ShardRequestFailed>(Handle);
        Receive<ForgetPartitions>(m =>
        {
            foreach (long plan in m.PlanIds)
            {
                _programs.Remove(plan);
                _brokenPrograms.Remove(plan);
            }
            _held.Retain(ReadByPrograms());
        });
        Receive<EndStep>(m => _steps.End(m.StepId));
        Receive<StallWorker>(m => Thread.Sleep(m.Milliseconds));
        Receive<RegistrationOverdue>(m =>
        {
            if (!_awaitingPlan.Remove(m.PlanId, out var waiting)) return;
            _waitedFor.Add(m.PlanId);
            foreach (var (run, sender) in waiting) Self.Tell(run, sender);
        });
        Receive<AbortStep>(m =>
        {
            _steps.Abort(m.StepId);
            Flush();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PostStop()
    {
        _iterators.Dispose();
        base.PostStop();
    }

    public static Props Props(int task) => Akka.Actor.Props.Create(() => new WorkerActor(task));

    public string Name => $"/job:worker/task:{_task}";

    // A restart would lose the registered partitions the coordinator counts on: a handler's unexpected
    // exception is logged, and fails the step it belonged to at once rather than at its deadline.
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Context.GetLogger().Error(e, "{0} failed on {1}", Name, message.GetType().Name);
            if (StepOf(message) is long stepId && !_steps.IsForgotten(stepId))
                Failed(stepId, message, $"{Name} failed on {message.GetType().Name} of step {stepId}: {e.GetType().Name}: {e.Message}");
            return true;
        }
    }

    private static long? StepOf(object message) => message switch
    {
        RunPartition m => m.StepId,
        VariablesRead m => m.StepId,
        TensorsSent m => m.StepId,
        UpdatesApplied m => m.StepId,
        RowsLookedUp m => m.StepId,
        ShardRequestFailed m => m.StepId,
        _ => null,
    };

    private void Failed(long stepId, object message, string why)
    {
        // What the failed handler left to send belongs to a step that is over now.
        _outbox.Clear();
        var step = _steps.For(stepId);
        if (step.Program is null && message is RunPartition)
        {
            // The RunPartition that failed will not come again: answer it here.
            _steps.Forget(stepId);
            Flush();
            Sender.Tell(new PartitionFailed(stepId, ErrorCodes.Internal, why, null));
        }
        else
        {
            step.Fail(ErrorCodes.Internal, why);
            Settle(step);
        }
    }

    private void Handle(RegisterPartition m)
    {
        try
        {
            var provider = ((ExtendedActorSystem)Context.System).Provider;
            // In a cluster the coordinator numbers the workers; a worker node learns its task here.
            _task = m.Task;
            _programs[m.PlanId] = new PartitionProgram(m, path => provider.ResolveActorRef(path));
            _brokenPrograms.Remove(m.PlanId);
        }
        catch (Exception e)
        {
            // Steps of a partition that did not compile fail with this, rather than the worker.
            _brokenPrograms[m.PlanId] = $"{Name} could not build partition {m.PlanId}: {e.Message}";
        }
        Timers.Cancel(("registration", m.PlanId));
        if (_awaitingPlan.Remove(m.PlanId, out var waiting))
            foreach (var (run, sender) in waiting) Self.Tell(run, sender);
    }

    // On a cluster the registration may come by Akka.Remote and a RunPartition by the tensor channel, after it.
    private void AwaitRegistration(RunPartition run)
    {
        if (!_awaitingPlan.TryGetValue(run.PlanId, out var waiting))
        {
            _awaitingPlan[run.PlanId] = waiting = [];
            Timers.StartSingleTimer(("registration", run.PlanId), new RegistrationOverdue(run.PlanId), RegistrationWait);
        }
        waiting.Add((run, Sender));
    }

    // Every (shard, variable) a registered partition reads.
    private HashSet<(IActorRef, string)> ReadByPrograms()
    {
        var read = new HashSet<(IActorRef, string)>();
        foreach (var program in _programs.Values)
            for (int shard = 0; shard < program.Shards.Length; shard++)
                foreach (int i in program.Registration.Reads[shard]) read.Add((program.Shards[shard], program.Registration.Variables[i]));
        return read;
    }
}
