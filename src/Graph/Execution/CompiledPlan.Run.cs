using System.Runtime.CompilerServices;
using ActorGraph.Ops;

namespace ActorGraph.Execution;

public sealed partial class CompiledPlan
{
    // Runs one step. `fed` pairs tensors with already validated values.
    internal NDArray?[] Run(IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed, StepContext step)
    {
        CheckRunnable(step.Variables);
        var instance = Rent();
        try
        {
            return instance.Run(fed, step);
        }
        finally
        {
            Return(instance);
        }
    }

    // For a caller whose step outlives Run: a worker's update operands are kernel buffers that its shard
    // reads later, so it keeps the instance (no step overwrites them) until the shard has applied them.
    // An instance never returned is left to the GC.
    internal PlanInstance Rent() => Interlocked.Exchange(ref _idle, null) ?? new PlanInstance(this);

    internal void Return(PlanInstance instance) => Interlocked.CompareExchange(ref _idle, instance, null);

    // Fetches from index `lendFrom` on that are kernel buffers stay the kernels': the caller lends them
    // out (a worker's sends to another worker) and keeps the instance until they come back.
    internal NDArray?[] Run(PlanInstance instance, IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed, StepContext step, int lendFrom = int.MaxValue)
    {
        CheckRunnable(step.Variables);
        return instance.Run(fed, step, lendFrom);
    }

    // Buffers and kernel seats for one Run at a time; concurrent Runs each take their own.
    internal sealed class PlanInstance(CompiledPlan plan)
    {
        private readonly NDArray?[] _values = new NDArray?[plan.SlotCount];
        private readonly KernelContext[] _contexts = plan._order.Select(op => new KernelContext(op)).ToArray();

        // The step's loop, optimized from its first call: once per op of every step, and a process that keeps making
        // sessions keeps tiered compilation from promoting it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public NDArray?[] Run(IReadOnlyList<KeyValuePair<Tensor, NDArray>> fed, StepContext step, int lendFrom = int.MaxValue)
        {
            var values = _values;
            try
            {
                foreach (var (tensor, value) in fed)
                    if (plan.TryGetSlot(tensor, out int slot)) values[slot] = value;
                for (int n = 0; n < _contexts.Length; n++) Execute(n, step);
                return CollectFetches(lendFrom, step);
            }
            finally
            {
                Array.Clear(values);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Execute(int n, StepContext step)
        {
            var ctx = _contexts[n];
            var kernel = ctx.Op.Def.Kernel;
            if (kernel is null) return;
            var inputSlots = plan._inputSlots[n];
            if (plan._deferred[n])
            {
                // Its users read it as they run; a fetch of it takes the value at this point, if any.
                int slot = plan._outputSlots[n][0];
                if (slot >= 0 && step.Variables.IsInitialized(ctx.Op)) _values[slot] = step.Variables.Read(ctx.Op);
                return;
            }
            for (int i = 0; i < inputSlots.Length; i++)
                if (inputSlots[i] >= 0) ctx.Inputs[i] = _values[inputSlots[i]]!;
            if (plan._lateReads[n] is { } late)
                foreach (int i in late) ctx.Inputs[i] = step.Variables.Read(ctx.Op.InputArray[i].Op);
            ctx.Step = step;
            long started = OpProfile.On ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
            try
            {
                kernel(ctx);
            }
            catch (ActorGraphException)
            {
                throw;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or ArithmeticException)
            {
                throw new InvalidArgumentException($"{ctx.Op.Type} (op '{ctx.Op.Name}'): {e.Message}", e);
            }
            if (started != 0) OpProfile.Add(ctx.Op, System.Diagnostics.Stopwatch.GetTimestamp() - started);
            var outputSlots = plan._outputSlots[n];
            for (int i = 0; i < outputSlots.Length; i++)
                if (outputSlots[i] >= 0) _values[outputSlots[i]] = ctx.Outputs[i];
            ctx.ClearOutputs();
            Array.Clear(ctx.Inputs);
        }

        // A fetched value leaves the step (ToKeep): taken from its kernel, or copied out of a variable's storage so
        // that updates do not change what the caller holds. Lent kernel buffers stay the kernels'.
        private NDArray?[] CollectFetches(int lendFrom, StepContext step)
        {
            var slots = plan._fetchSlots;
            var result = new NDArray?[slots.Length];
            for (int f = 0; f < slots.Length; f++)
            {
                if (slots[f] < 0) continue;
                // A slot still empty is a deferred variable that had no value where its op stood (a write on the path
                // initializes it): read it now.
                var value = _values[slots[f]] ?? step.Variables.Read(plan._fetchOps[f]!);
                result[f] = f >= lendFrom && value.Owner is KernelBuffer ? value : value.ToKeep();
            }
            return result;
        }
    }
}
