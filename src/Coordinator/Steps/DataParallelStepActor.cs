using ActorGraph.Messaging.Channel;
using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator.Steps;

// One data-parallel step: one replica per worker, each on its slice. Answers once
// with the replicas' fetches put together. Backup workers: once BackupAfter passes, a synchronous
// step's shards are told to apply what has arrived, and replicas still out after another BackupAfter
// (or refused by the shards as late) are left out, which the answer's warning says.
internal sealed class DataParallelStepActor : ReceiveActor, IWithTimers
{
    private readonly PendingStep _step;
    private readonly ReplicaAnswers _replicas;
    private readonly Dictionary<IActorRef, int> _pending = [];
    private readonly List<int> _leftOut = [];
    private readonly IReadOnlyList<IActorRef> _shards;
    // On the tensor channel, as the step's reads: the next step's reads must not overtake the close.
    private readonly BulkChannel _bulk = BulkChannel.Get(Context.System);
    private readonly DataParallelism _settings;
    private readonly PrintedLines _printed = new();
    private bool _backupPassed;

    public DataParallelStepActor(PendingStep step, int[] rows, IReadOnlyList<IActorRef> shards, DataParallelism settings)
    {
        _step = step;
        _replicas = new ReplicaAnswers(rows);
        _shards = shards;
        _settings = settings;
        for (int r = 0; r < step.Workers.Length; r++) _pending[step.Workers[r].Worker] = r;
        Receive<PartitionSucceeded>(m => m.StepId == _step.StepId, Succeeded);
        Receive<PartitionFailed>(m => m.StepId == _step.StepId, Failed);
        Receive<Terminated>(t => Lost(t.ActorRef));
        Receive<WorkerLeft>(m => Lost(_step.Workers.FirstOrDefault(w => w.Task == m.Task).Worker));
        Receive<ShardLeft>(m => Fail(ErrorCodes.Unavailable, $"Step {_step.StepId} failed: {m.Reason}"));
        Receive<StepDeadlinePassed>(_ => Fail(ErrorCodes.DeadlineExceeded,
            $"Step {_step.StepId} exceeded its deadline of {_step.Timeout.TotalSeconds:0.###} s: no answer from {Devices(_pending.Values)}."));
        Receive<BackupTimePassed>(_ => BackupPassed());
        Receive<BackupGraceOver>(_ => LeaveOutPending());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PendingStep step, int[] rows, IReadOnlyList<IActorRef> shards, DataParallelism settings) =>
        Akka.Actor.Props.Create(() => new DataParallelStepActor(step, rows, shards, settings));

    protected override void PreStart()
    {
        foreach (var (_, worker) in _step.Workers) Context.Watch(worker);
        Timers.StartSingleTimer("deadline", new StepDeadlinePassed(_step.StepId), _step.Timeout);
        if (_settings.BackupAfter is { } backup) Timers.StartSingleTimer("backup", new BackupTimePassed(_step.StepId), backup);
    }

    private void Succeeded(PartitionSucceeded m)
    {
        if (!_pending.Remove(Sender, out int replica)) return;
        _replicas.Add(replica, m);
        _printed.Add(m.Printed, m.PrintedAt);
        // Async: past the backup time, the first answer makes the step.
        if (_backupPassed && !_settings.Synchronous) LeaveOutPending();
        else TryFinish();
    }

    private void Failed(PartitionFailed m)
    {
        if (!_pending.Remove(Sender, out int replica)) return;
        _printed.Add(m.Printed, m.PrintedAt);
        // A replica whose updates came after the shards applied the others' was left out, not a failure.
        if (_backupPassed && m.ErrorCode == ErrorCodes.Aborted)
        {
            _leftOut.Add(replica);
            TryFinish();
        }
        else Fail(m.ErrorCode, m.Message);
    }

    private void Lost(IActorRef? worker)
    {
        if (worker is null || !_pending.ContainsKey(worker)) return;
        Fail(ErrorCodes.Unavailable, $"Step {_step.StepId} failed: worker {Devices([_pending[worker]])} stopped while running its replica " +
            $"({worker.Path}). The next run is planned over the workers that are left.");
    }

    private void BackupPassed()
    {
        if (_pending.Count == 0) return;
        _backupPassed = true;
        if (_settings.Synchronous)
            foreach (var shard in _shards) _bulk.Tell(shard, new CloseReplicas(_step.StepId, Apply: true), Self);
        if (_settings.Synchronous || _replicas.Answered > 0)
            Timers.StartSingleTimer("grace", new BackupGraceOver(_step.StepId), _settings.Synchronous ? _settings.BackupAfter!.Value : TimeSpan.Zero);
    }

    private void LeaveOutPending()
    {
        foreach (var (worker, replica) in _pending)
        {
            worker.Tell(new AbortStep(_step.StepId));
            _leftOut.Add(replica);
        }
        _pending.Clear();
        TryFinish();
    }

    private void TryFinish()
    {
        if (_pending.Count > 0) return;
        if (_replicas.Answered == 0)
        {
            Fail(ErrorCodes.Unavailable, $"Step {_step.StepId} failed: no replica answered within its backup time.");
            return;
        }
        string? warning = _leftOut.Count == 0 ? null
            : $"data-parallel step {_step.StepId}: {Devices(_leftOut)} left out (slower than the backup time of " +
              $"{_settings.BackupAfter!.Value.TotalSeconds:0.###} s); {_replicas.Answered} of {_step.Workers.Length} replicas made the step.";
        _bulk.Tell(_step.Client, new StepSucceeded(_step.StepId, _replicas.Combine(_step.FetchCount), Printed(), warning), Self);
        Context.Stop(Self);
    }

    private void Fail(string code, string message)
    {
        foreach (var (_, worker) in _step.Workers) worker.Tell(new AbortStep(_step.StepId));
        if (_settings.Synchronous)
            foreach (var shard in _shards) _bulk.Tell(shard, new CloseReplicas(_step.StepId, Apply: false), Self);
        _step.Client.Tell(new StepFailed(_step.StepId, code, message, Printed()));
        Context.Stop(Self);
    }

    private string Devices(IEnumerable<int> replicas) =>
        string.Join(", ", replicas.Order().Select(r => Placement.WorkerDevice(_step.Workers[r].Task)));

    private string? Printed() => _printed.Text();
}
