using ActorGraph.ParameterServer;
using ActorGraph.Wire;
using Akka.Actor;

namespace ActorGraph.Worker;

internal enum StepOutcome
{
    Running,
    Succeeded,
    Failed,
}

// One step on this worker, as a state machine its actor drives without knowing its insides: On… takes what
// arrived, Advance runs the next thing that can run (a stage, the updates, the replays on held copies), and both
// leave what is to be sent in the outbox. Outcome says when the step is over.
internal sealed partial class WorkerStep
{
    private readonly HeldCopies _held;
    private readonly IStepSurroundings _around;
    private readonly StepOutbox _outbox;

    private IActorRef _replyTo = ActorRefs.Nobody;
    private NDArray[] _feeds = [];
    private int _replicas;
    private double _weight = 1;
    private string? _answerTo;
    private Execution.IteratorShard? _iteratorShard;

    // Messages that came before RunPartition, taken in once the program is known.
    private List<(IActorRef Shard, VariablesRead Read)>? _earlyReads;
    private List<TensorsSent>? _earlyTensors;
    // Shards whose reads of this step are lent arrays, to be released when the step is done with them.
    private readonly List<IActorRef> _lenders = [];

    private int _readsPending;
    // By shard: the variables asked for again (ReadVariables.Fresh) because this worker lacked the held copies named.
    private Dictionary<int, int[]>? _refills;
    private NDArray?[][] _received = [];
    private int[] _receivedCount = [];
    private bool[] _stageDone = [];
    private int _stagesRun;
    // Where the search for a ready stage goes on: stages are tried in order, pass after pass, until a pass runs none.
    private int _nextStage;
    private bool _ranInPass;
    private bool _updatesSent;
    private long[]?[]? _replaysDue;
    private int _updatesPending;
    // PartitionSucceeded went out before the shards' UpdatesApplied came back (they tell the gatherer too).
    private bool _answered;
    private PrintLog? _printed;
    private readonly List<int> _fetchIndices = [];
    private readonly List<NDArray?> _fetchValues = [];

    public WorkerStep(long stepId, HeldCopies held, IStepSurroundings around, StepOutbox outbox)
    {
        StepId = stepId;
        _held = held;
        _around = around;
        _outbox = outbox;
    }

    public long StepId { get; }
    public PartitionProgram? Program { get; private set; }
    public StepOutcome Outcome { get; private set; }
    // A step that failed before its RunPartition came: RunPartition is answered with this.
    public (string Code, string Message)? EarlyFailure { get; private set; }
    // Other workers hold buffers of this step's kernels until the coordinator's EndStep.
    public bool LentTensors { get; private set; }
    // Its stages have not all run: it may still read the held copies it was given.
    public bool MayRunStages => Program is not null && _stagesRun < _stageDone.Length && Outcome == StepOutcome.Running;

    // One replica of a data-parallel step (a share of the batch, sync or async): the shard, not this worker, decides
    // what its updates become.
    private bool IsReplica => _replicas > 1 || _weight != 1;

    public void Start(PartitionProgram program, RunPartition run, IActorRef replyTo)
    {
        Program = program;
        _replyTo = replyTo;
        _feeds = run.Feeds;
        _replicas = run.Replicas;
        _weight = run.Weight;
        _answerTo = run.AnswerTo;
        _iteratorShard = run.DatasetShards > 1 ? new Execution.IteratorShard(run.DatasetShards, run.DatasetShard) : null;
        _values = new NDArray?[program.Registration.Variables.Length];
        _readVersions = new long[_values.Length];
        _readsPending = program.ReadShardCount;
        int stages = program.Stages.Length;
        _received = new NDArray?[stages][];
        _receivedCount = new int[stages];
        for (int s = 0; s < stages; s++) _received[s] = new NDArray?[program.Stages[s].Recvs.Length];
        _stageDone = new bool[stages];
        _updates = new List<WireUpdate>?[program.Shards.Length];
        _provisional = new List<NDArray>?[program.Shards.Length];
        _written = program.Registration.KeepsUpdateOutputs ? new NDArray?[_values.Length] : null;
        _updatedIndices = new List<int>?[program.Shards.Length];
        _wanted = new int[]?[program.Shards.Length];
        StartMidStep(program);
        if (program.HasPrint) _printed = new PrintLog();
        foreach (var (shard, read) in _earlyReads ?? []) Absorb(shard, read);
        foreach (var sent in _earlyTensors ?? []) Absorb(sent);
        _earlyReads = null;
        _earlyTensors = null;
    }

    public void OnVariablesRead(IActorRef shard, VariablesRead read)
    {
        if (read.Lent) _lenders.Add(shard);
        if (Program is null) (_earlyReads ??= []).Add((shard, read));
        else Absorb(shard, read);
    }

    public void OnTensorsReceived(TensorsSent sent)
    {
        if (Program is null) (_earlyTensors ??= []).Add(sent);
        else Absorb(sent);
    }

    public void OnUpdatesApplied(IActorRef shard, NDArray[] values)
    {
        if (Program is null) return;
        int index = Program.ShardIndexOf(shard);
        if (_flushesPending > 0)
        {
            OnAppliedMidStep(index, values);
            return;
        }
        if (index >= 0) ResolveUpdateOutputs(_provisional[index], _wanted[index], values);
        if (--_updatesPending == 0) Succeed();
    }

    // Runs the next thing that can run: a ready stage, else once all ran the updates (or the answer), else the
    // replays on held copies, which wait until the updates are on their way. False when nothing can run until
    // more arrives, or the step is over.
    public bool Advance()
    {
        if (_replaysDue is { } replays)
        {
            _replaysDue = null;
            Replay(replays);
            return false;
        }
        if (Outcome != StepOutcome.Running || Program is null || _readsPending > 0 || _updatesSent || _flushesPending > 0) return false;
        int s = NextReadyStage();
        if (s >= 0)
        {
            try
            {
                RunStage(s);
            }
            catch (Exception e)
            {
                Fail(ErrorCodes.Of(e), e is ActorGraphException ? e.Message : $"{_around.WorkerName}: {e.GetType().Name}: {e.Message}");
                return false;
            }
            return true;
        }
        if (_stagesRun < _stageDone.Length || _lookupsPending > 0) return false;
        SendUpdates();
        return true;
    }

    // The step is over with an error: lent reads go back and, unless the answer went out already (the shard that
    // failed then tells the step tracker itself: UpdateRouting.AckTo), the step tracker learns why. Before RunPartition,
    // the failure waits for it (EarlyFailure).
    public void Fail(string code, string message)
    {
        if (Outcome != StepOutcome.Running) return;
        Outcome = StepOutcome.Failed;
        ReleaseLentReads();
        if (_answered) return;
        if (Program is null) EarlyFailure = (code, message);
        else
        {
            var (printed, printedAt) = Printed();
            _outbox.Send(_replyTo, new PartitionFailed(StepId, code, message, printed, printedAt));
        }
    }

    // Dropped by its worker (aborted, or failed): the lent reads go back, and its plan instances serve later steps
    // unless a shard may still read their buffers.
    public void Abandon()
    {
        ReleaseLentReads();
        Finish();
    }

    // The step is over: its plan instances serve later steps, unless a shard may still read their buffers.
    public void Finish()
    {
        if (_updatesPending == 0)
            foreach (var (plan, instance) in _rented) plan.Return(instance);
        _rented.Clear();
    }

    private void ReleaseLentReads()
    {
        foreach (var shard in _lenders) _outbox.Send(shard, new ReleaseReads(StepId));
        _lenders.Clear();
    }

    private void Succeed()
    {
        Outcome = StepOutcome.Succeeded;
        if (!_answered) Answer(shardAcks: 0);
    }

    private void Answer(int shardAcks)
    {
        _answered = true;
        var (printed, printedAt) = Printed();
        _outbox.Send(_replyTo, new PartitionSucceeded(StepId, _fetchIndices.ToArray(), _fetchValues.ToArray(), printed, LentTensors, shardAcks, printedAt));
    }

    private (string? Text, long[]? LineTimes) Printed() => _printed?.Take() ?? (null, null);
}
