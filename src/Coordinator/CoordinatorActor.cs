using ActorGraph.Messaging.Channel;
using ActorGraph.Coordinator.Steps;
using ActorGraph.Wire;
using ActorGraph.Worker;
using Akka.Actor;

namespace ActorGraph.Coordinator;

// Keeps a copy of the session's graph (grown by extends), or in local mode shares the session's own, and plans each
// distinct request once,
// and starts each step: one RunPartition per involved worker, one ReadVariables per
// (worker, shard) that the shard answers straight to the worker; its StepTracker child gathers
// the replies and answers the client. Watches its workers and plans over the ones left when one stops.
// In a cluster it is one session's coordinator, a child of the coordinator singleton, which tells
// it when workers and parameter servers come and go (ClusterSession has the differences).
public sealed partial class CoordinatorActor : ReceiveActor
{
    private readonly Graph _graph;
    // Local mode: the session's graph itself, of which the coordinator has taken in the ops below _takenIn (the
    // graph is append-only, so ops other threads add meanwhile change nothing planned over it).
    private readonly bool _sharesGraph;
    private int _takenIn;
    private readonly VariablePlacement _variables;
    private readonly List<IActorRef> _workers;
    private readonly List<string> _workerPaths;
    private readonly List<bool> _alive;
    private readonly List<IActorRef> _shards;
    private readonly List<string> _shardPaths;
    private readonly TimeSpan _stepTimeout;
    private readonly ClusterSession? _cluster;
    private readonly DataParallelism? _dataParallel;
    private readonly BulkChannel _bulk = BulkChannel.Get(Context.System);
    private readonly Dictionary<PlanKey, StepPlan> _plans = [];
    private readonly HashSet<(long Plan, int Task)> _registered = [];
    private long _plansMade;
    private long _stepsStarted;

    public CoordinatorActor(IReadOnlyList<IActorRef> workers, IReadOnlyList<IActorRef> shards, TimeSpan stepTimeout, ClusterSession? cluster = null,
        DataParallelism? dataParallel = null, Graph? sharedGraph = null)
    {
        _graph = sharedGraph ?? new Graph();
        _sharesGraph = sharedGraph is not null;
        _cluster = cluster;
        _dataParallel = dataParallel ?? cluster?.DataParallel;
        _workers = [.. workers];
        _workerPaths = _workers.ConvertAll(PathOf);
        _alive = _workers.ConvertAll(_ => true);
        _shards = [.. shards];
        _shardPaths = _shards.ConvertAll(PathOf);
        _variables = new VariablePlacement(_shards.Count, cluster?.Pinned);
        _stepTimeout = stepTimeout;
        // Ids of a cluster session start at its own base: the cluster's workers and shards serve every session.
        _plansMade = _stepsStarted = cluster?.IdBase ?? 0;
        Receive<RunStep>(Handle);
        Receive<ExplainStep>(Handle);
        Receive<Terminated>(Handle);
        Checkpoints();
        IteratorCheckpoints();
        Receive<Cluster.CountStepsInFlight>(m => _stepTracker.Forward(m with { Besides = Context.GetChildren().Count(c => c.Path.Name.StartsWith("step-")) }));
        if (cluster is not null) Membership();
    }

    // sharedGraph: the session's graph, in this process; requests then carry its version and no extend.
    public static Props Props(IReadOnlyList<IActorRef> workers, IReadOnlyList<IActorRef> shards, TimeSpan stepTimeout, DataParallelism? dataParallel = null,
        Graph? sharedGraph = null) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(workers, shards, stepTimeout, null, dataParallel, sharedGraph));

    public static Props Props(IReadOnlyList<IActorRef> workers, IReadOnlyList<IActorRef> shards, TimeSpan stepTimeout, ClusterSession cluster) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(workers, shards, stepTimeout, cluster, null));

    // A cluster address in the path, so that a worker on another node can resolve it.
    private string PathOf(IActorRef actor) => actor.IsNobody() ? "" :
        _cluster?.SelfAddress is { } self ? actor.Path.ToSerializationFormatWithAddress(self) : actor.Path.ToSerializationFormat();

    protected override void PreStart()
    {
        // In a cluster, membership events say when a worker goes (ClusterSession).
        if (_cluster is null)
            foreach (var worker in _workers) Context.Watch(worker);
        _stepTracker = Context.ActorOf(StepTracker.Props(_stepTimeout).WithDispatcher(Context.Props.Dispatcher), "steps");
    }

    // A session that ends (closed, or its client gone) leaves nothing on the workers: the compiled partitions
    // of its plans, with their kernels' buffers, would otherwise live as long as the worker does.
    protected override void PostStop() => ForgetPlans();

    private void Handle(ExplainStep m)
    {
        try
        {
            Extend(m.FromVersion, m.Extend);
            var plan = Planner.Build(-1, _graph, m.Fetches, m.Feeds, _variables, LiveTasks(), [.. _workerPaths], [.. _shardPaths], requireFeeds: false);
            if (plan.Error is { } error) Sender.Tell(new StepFailed(0, ErrorCodes.Of(error), error.Message, null));
            else Sender.Tell(new StepExplained(plan.Operations, plan.Placement));
        }
        catch (Exception e)
        {
            Sender.Tell(new StepFailed(0, ErrorCodes.Of(e), e.Message, null));
        }
    }

    // A stopped worker takes its partitions with it: plan again over the workers left.
    private void Handle(Terminated t)
    {
        if (AsyncStepDone(t.ActorRef)) return;
        int task = _workers.IndexOf(t.ActorRef);
        if (task < 0) return;
        WorkerLost(task);
        ForgetPlans();
    }

    private void WorkerLost(int task)
    {
        _alive[task] = false;
        _registered.RemoveWhere(r => r.Task == task);
    }

    // Ops the coordinator already has (a request that raced another's extend) are skipped.
    private void Extend(int fromVersion, OperationDef[] extend)
    {
        if (_sharesGraph)
        {
            TakeIn(fromVersion);
            return;
        }
        if (extend.Length == 0) return;
        int have = _graph.Version;
        if (fromVersion > have)
            throw new InternalException($"The coordinator has {have} operations but the session's extend starts at {fromVersion}.");
        int skip = have - fromVersion;
        if (skip >= extend.Length) return;
        int before = have;
        _graph.Import(extend.Skip(skip));
        var added = _graph.OperationsSince(before);
        _variables.Add(added);
        if (_cluster is not null) TellPlaced(added);
        ForgetPlans();
    }

    // The shared graph's ops up to version (a request's FromVersion: what its session had built when it asked).
    private void TakeIn(int version)
    {
        if (version <= _takenIn) return;
        _variables.Add(_graph.OperationsBetween(_takenIn, version));
        _takenIn = version;
        ForgetPlans();
    }

    // What plans are keyed by: the ops taken in, whoever adds to the graph meanwhile.
    private int GraphVersion => _sharesGraph ? _takenIn : _graph.Version;

    // Plans are keyed by graph version: once it moves on, none is asked for again, so the
    // workers may drop their partitions (a step already started keeps its own).
    private void ForgetPlans()
    {
        _plans.Clear();
        _replicaPlans.Clear();
        foreach (var group in _registered.GroupBy(r => r.Task))
            if (_alive[group.Key]) _workers[group.Key].Tell(new ForgetPartitions(group.Select(r => r.Plan).ToArray()));
        _registered.Clear();
    }

    // The worker in this process first (a node that is both coordinator and worker, as TF1's master runs
    // inside a worker task): placement ties go to it, which saves the step a hop to another node and back.
    private int[] LiveTasks() => Enumerable.Range(0, _workers.Count).Where(t => _alive[t])
        .OrderBy(t => _bulk.IsInProcess(_workers[t]) ? 0 : 1).ThenBy(t => t).ToArray();

    private StepPlan PlanFor(RunStep m)
    {
        var key = new PlanKey(m.Fetches, m.Feeds, GraphVersion);
        if (_plans.TryGetValue(key, out var plan)) return plan;
        plan = Planner.Build(++_plansMade, _graph, m.Fetches, m.Feeds, _variables, LiveTasks(), [.. _workerPaths], [.. _shardPaths], requireFeeds: true);
        _plans[key] = plan;
        return plan;
    }

    // (fetches in order, feeds in order, graph version). A session sends the same arrays for the
    // same request, so the comparison is usually by reference.
    private readonly struct PlanKey(string[] fetches, string[] feeds, int version) : IEquatable<PlanKey>
    {
        private readonly string[] _fetches = fetches;
        private readonly string[] _feeds = feeds;
        private readonly int _version = version;
        private readonly int _hash = Hash(fetches, feeds, version);

        public bool Equals(PlanKey other) => _version == other._version && Same(_fetches, other._fetches) && Same(_feeds, other._feeds);
        public override bool Equals(object? obj) => obj is PlanKey k && Equals(k);
        public override int GetHashCode() => _hash;

        private static bool Same(string[] a, string[] b) => ReferenceEquals(a, b) || a.AsSpan().SequenceEqual(b);

        private static int Hash(string[] fetches, string[] feeds, int version)
        {
            var h = new HashCode();
            h.Add(version);
            foreach (var f in fetches) h.Add(f);
            h.Add('|');
            foreach (var f in feeds) h.Add(f);
            return h.ToHashCode();
        }
    }
}
