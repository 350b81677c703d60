using System.Runtime.CompilerServices;
using ActorGraph.Ops;

namespace ActorGraph.Coordinator;

// Where each op of a plan runs. Device scopes first; an update goes with its variable's ps task
// (it becomes an update message to it) but runs beside its inputs; other ops go with the worker
// most of their inputs are on, else to the least loaded worker; ties go to the worker listed first in
// liveTasks (the coordinator lists the one in its own process first). Variables are read where used.
// Stages cut a worker's ops wherever a value comes back from another worker, so that every stage
// can run whole once its inputs are in, and no two workers wait on each other.
internal sealed class Placement
{
    private readonly Dictionary<Operation, int> _task;
    private readonly Dictionary<Operation, int> _stage;
    // Writes the shard must apply before their consumers run: those go to a later stage of the same worker.
    private ISet<Operation> _barriers = new HashSet<Operation>();

    private Placement(int ops)
    {
        _task = new(ops, ReferenceEqualityComparer<Operation>.Instance);
        _stage = new(ops, ReferenceEqualityComparer<Operation>.Instance);
    }

    public Dictionary<string, string> Devices { get; } = new(StringComparer.Ordinal);
    public string? Error { get; private set; }

    public bool TryGetTask(Operation op, out int task) => _task.TryGetValue(op, out task);
    public int TaskOf(Operation op) => _task[op];
    public int StageOf(Operation op) => _stage[op];

    // A per-op pass of planning, optimized from its first call: it runs once per plan, so tiered compilation would
    // leave it unoptimized in a process that keeps making graphs or sessions.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Placement Compute(IReadOnlyList<Operation> order, ISet<Tensor> fed, ISet<Operation> fetchedVariables,
        VariablePlacement variables, IReadOnlyList<int> liveTasks, ISet<Operation>? barriers = null)
    {
        var p = new Placement(order.Count);
        if (barriers is not null) p._barriers = barriers;
        var load = new Load(liveTasks);
        foreach (var op in order)
        {
            if (op.Def.IsVariable)
            {
                p.Devices[op.Name] = PsDevice(variables.ShardOf(op));
                p.Error ??= variables.ErrorOf(op);
                if (!fetchedVariables.Contains(op)) continue;
                p.Assign(op, load.LeastLoaded(), load);
                continue;
            }
            int task = FunctionsTask(op, load, p) ?? DeviceTask(op, load) ?? IteratorTask(op, load) ?? Colocated(op, fed, p, load) ?? load.LeastLoaded();
            p.Assign(op, task, load);
            p.Devices[op.Name] = op.Def.Traits.HasFlag(OpTraits.WritesVariable) ? p.UpdateDevice(op, variables) : WorkerDevice(task);
            // A hash table part is shown where its rows live, as a variable is.
            if (op.Type == "HashTable") p.Devices[op.Name] = PsDevice(variables.ShardOf(op));
        }
        p.FollowConsumers(order, fed);
        foreach (var op in order)
            if (p._task.TryGetValue(op, out int task)) p._stage[op] = p.StageFor(op, task, fed);
        p.Delay(order, fed);
        return p;
    }

    // A constant placed for balance whose consumers all went to one other worker, pulled there by
    // something real (a feed, a variable, a computed value), moves there: else that worker waits each
    // step on a worker that only sends it constants (a hop, a partition to run, an answer to gather).
    // Constants whose consumers are made of constants alone keep their balance (two workers share it).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FollowConsumers(IReadOnlyList<Operation> order, ISet<Tensor> fed)
    {
        var consumers = new Dictionary<Operation, List<Operation>>(ReferenceEqualityComparer<Operation>.Instance);
        foreach (var op in order)
            if (_task.ContainsKey(op))
                foreach (var input in op.InputArray)
                    if (IsBalancedSource(input.Op) && !input.Op.Def.IsVariable && _task.ContainsKey(input.Op) && !fed.Contains(input))
                    {
                        if (!consumers.TryGetValue(input.Op, out var list)) consumers[input.Op] = list = [];
                        list.Add(op);
                    }
        foreach (var (source, users) in consumers)
        {
            int target = _task[users[0]];
            if (target == _task[source] || users.Exists(u => _task[u] != target)) continue;
            if (!users.Exists(u => Array.Exists(u.InputArray, i => fed.Contains(i) || i.Op.Def.IsVariable || !IsBalancedSource(i.Op)))) continue;
            _task[source] = target;
            Devices[source.Name] = WorkerDevice(target);
        }
    }

    // An op whose consumers all sit on its own worker joins the earliest of their stages, so that
    // a constant used after a value comes back does not need a stage (and an edge) of its own.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Delay(IReadOnlyList<Operation> order, ISet<Tensor> fed)
    {
        var consumers = new Dictionary<Operation, List<Operation>>(ReferenceEqualityComparer<Operation>.Instance);
        foreach (var op in order)
        {
            if (!_task.ContainsKey(op)) continue;
            for (int i = op.Def.RefInputs; i < op.InputArray.Length; i++)
                if (!fed.Contains(op.InputArray[i])) Add(op.InputArray[i].Op, op);
            foreach (var c in op.ControlInputArray) Add(c, op);
        }
        for (int n = order.Count - 1; n >= 0; n--)
        {
            var op = order[n];
            if (op.Def.IsVariable || _barriers.Contains(op) || !_task.TryGetValue(op, out int task) || !consumers.TryGetValue(op, out var users)) continue;
            int earliest = int.MaxValue;
            bool elsewhere = false;
            foreach (var u in users)
            {
                elsewhere |= _task[u] != task;
                earliest = Math.Min(earliest, _stage[u]);
            }
            if (elsewhere) continue;
            _stage[op] = Math.Max(_stage[op], earliest);
        }

        void Add(Operation producer, Operation consumer)
        {
            if (!consumers.TryGetValue(producer, out var list)) consumers[producer] = list = [];
            list.Add(consumer);
        }
    }

    // One string per task, not one per op: a plan names a device for each of its ops.
    private static readonly string[] WorkerDevices = Enumerable.Range(0, 16).Select(t => $"/job:worker/task:{t}").ToArray();
    private static readonly string[] PsDevices = Enumerable.Range(0, 16).Select(t => $"/job:ps/task:{t}").ToArray();

    public static string WorkerDevice(int task) => task < WorkerDevices.Length ? WorkerDevices[task] : $"/job:worker/task:{task}";
    public static string PsDevice(int shard) => shard < PsDevices.Length ? PsDevices[shard] : $"/job:ps/task:{shard}";

    private void Assign(Operation op, int task, Load load)
    {
        _task[op] = task;
        load.Add(task);
    }

    private string UpdateDevice(Operation op, VariablePlacement variables)
    {
        int shard = variables.ShardOf(op.RefInput(0));
        for (int r = 0; r < op.Def.RefInputs; r++)
        {
            // The variables an update writes are shown where they live, though they are not read.
            Devices[op.RefInput(r).Name] = PsDevice(variables.ShardOf(op.RefInput(r)));
            Error ??= variables.ErrorOf(op.RefInput(r));
            if (variables.ShardOf(op.RefInput(r)) != shard)
                Error ??= $"{op.Type} (op '{op.Name}') updates {op.RefInput(0).Name} on {PsDevice(shard)} and {op.RefInput(r).Name} on " +
                          $"{PsDevice(variables.ShardOf(op.RefInput(r)))}; one update must stay on one parameter server.";
        }
        return PsDevice(shard);
    }

    private static int? DeviceTask(Operation op, Load load) =>
        DeviceSpec.TryParse(op.Device, out var job, out int task) && job == "worker" && load.Serves(task) ? task : null;

    // A Cond or WhileLoop runs whole on one worker with its functions beside it (docs/architecture.md): a worker
    // named by a device inside its functions places the whole op there; two workers named, inside or on the op
    // itself, cannot both be honoured and refuse the plan.
    private static int? FunctionsTask(Operation op, Load load, Placement p)
    {
        if (ControlFlowOps.FunctionsOf(op).Length == 0) return null;
        Operation? named = DeviceSpec.TryParse(op.Device, out var job, out _) && job == "worker" ? op : null;
        foreach (var inner in ControlFlowOps.BodyOps(op))
        {
            if (!DeviceSpec.TryParse(inner.Device, out var innerJob, out int task) || innerJob != "worker") continue;
            if (named is null) named = inner;
            else if (DeviceSpec.TryParse(named.Device, out _, out int other) && other != task)
            {
                p.Error ??= $"{op.Type} (op '{op.Name}') runs whole on one worker, its functions beside it, but '{named.Name}' is placed on " +
                            $"{named.Device} and '{inner.Name}' on {inner.Device}. Place the whole {(op.Type == "If" ? "TF.Cond" : "TF.WhileLoop")} " +
                            "on one worker (a TF.Device scope around it), or give the ops inside no worker device.";
                return null;
            }
        }
        return named is not null && DeviceSpec.TryParse(named.Device, out _, out int chosen) && load.Serves(chosen) ? chosen : null;
    }

    // An iterator's position lives on the worker that runs it, so its initializer and every GetNext go to one
    // worker, the same in every plan: the first live one (the coordinator's own in local mode).
    private static int? IteratorTask(Operation op, Load load) => IteratorOps.UsesPosition(op.Def) ? load.First : null;

    // The worker holding most of the op's inputs (data first, else control); ties to the less loaded.
    // Inputs made from nothing (constants) that no device scope placed vote only when nothing else does:
    // else a constant placed for balance pulls a chain of heavy ops to its worker, and their tensors across workers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int? Colocated(Operation op, ISet<Tensor> fed, Placement p, Load load)
    {
        // An op has a handful of inputs and a session a handful of workers: votes in a short list, no dictionary.
        var votes = new List<(int Task, int Count)>(2);
        var inputs = op.InputArray;
        for (int pass = 0; pass < 2 && votes.Count == 0; pass++)
            for (int i = op.Def.RefInputs; i < inputs.Length; i++)
                if (!fed.Contains(inputs[i]) && p._task.TryGetValue(inputs[i].Op, out int t) && !inputs[i].Op.Def.IsVariable
                    && (pass == 1 || !IsBalancedSource(inputs[i].Op)))
                    Vote(votes, t);
        if (votes.Count == 0)
            foreach (var c in op.ControlInputArray)
                if (p._task.TryGetValue(c, out int t)) Vote(votes, t);
        if (votes.Count == 0) return null;
        var best = votes[0];
        for (int v = 1; v < votes.Count; v++)
        {
            var (task, count) = votes[v];
            if (count > best.Count || count == best.Count && (load.Of(task) < load.Of(best.Task)
                || load.Of(task) == load.Of(best.Task) && load.Rank(task) < load.Rank(best.Task)))
                best = votes[v];
        }
        return best.Task;
    }

    private static void Vote(List<(int Task, int Count)> votes, int task)
    {
        for (int v = 0; v < votes.Count; v++)
            if (votes[v].Task == task)
            {
                votes[v] = (task, votes[v].Count + 1);
                return;
            }
        votes.Add((task, 1));
    }

    private static bool IsBalancedSource(Operation op) =>
        op.InputArray.Length == 0 && op.ControlInputArray.Length == 0 && string.IsNullOrEmpty(op.Device);

    // Ops placed per live task; a tie goes to the task listed first.
    private sealed class Load(IReadOnlyList<int> tasks)
    {
        private readonly Dictionary<int, int> _ops = tasks.ToDictionary(t => t, _ => 0);
        private readonly Dictionary<int, int> _rank = tasks.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i);

        public bool Serves(int task) => _ops.ContainsKey(task);
        public int First => tasks[0];
        public int Of(int task) => _ops[task];
        public void Add(int task) => _ops[task]++;
        public int Rank(int task) => _rank[task];

        public int LeastLoaded()
        {
            int best = tasks[0];
            foreach (int task in tasks)
                if (_ops[task] < _ops[best]) best = task;
            return best;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int StageFor(Operation op, int task, ISet<Tensor> fed)
    {
        int stage = 0;
        var inputs = op.InputArray;
        for (int i = op.Def.RefInputs; i < inputs.Length; i++)
            if (!fed.Contains(inputs[i])) stage = Math.Max(stage, After(inputs[i].Op, task));
        foreach (var c in op.ControlInputArray) stage = Math.Max(stage, After(c, task));
        return stage;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int After(Operation dep, int task) =>
        _stage.TryGetValue(dep, out int s) && !dep.Def.IsVariable ? s + (_task[dep] == task && !_barriers.Contains(dep) ? 0 : 1) : 0;
}
